"""Demo data of the domains (activities, rehab, café); each domain adds its part here."""


def seed_domains(*, home, rehab, cafe, users, resident) -> None:
    pass
    from .rehab.demo import seed_rehab
    seed_rehab(rehab=rehab, users=users, resident=resident)
