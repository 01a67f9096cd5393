"""Demo data of the domains (activities, rehab, café): each domain seeds its own part."""


def seed_domains(*, home, rehab, cafe, users, resident) -> None:
    from .cafe.demo import seed_cafe
    from .rehab.demo import seed_rehab
    seed_cafe(cafe)
    seed_rehab(rehab=rehab, users=users, resident=resident)
