"""Demo data of the domains (activities, rehab, café, notifications): each domain seeds its own part."""


def seed_domains(*, home, rehab, cafe, users, resident) -> None:
    from .activities.demo import seed_activities
    from .cafe.demo import seed_cafe
    from .notifications.demo import seed_notifications
    from .rehab.demo import seed_rehab
    seed_activities(home=home, users=users, resident=resident)
    seed_cafe(cafe)
    seed_rehab(rehab=rehab, users=users, resident=resident)
    seed_notifications(users)
