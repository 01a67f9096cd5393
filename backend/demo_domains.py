"""Demo data of the domains (activities, rehab, café); each domain adds its part here."""


def seed_domains(*, home, rehab, cafe, users, resident) -> None:
    from .activities.demo import seed_activities
    seed_activities(home=home, users=users, resident=resident)
    pass
