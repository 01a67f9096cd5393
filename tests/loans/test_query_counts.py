"""No N+1 in the loan listings: statements do not grow with the rows shown."""
from ..factories import ResidentFactory, link
from ..test_query_counts import assert_flat
from .conftest import add_units, lend, reserve

N = 6


def test_loan_and_unit_listings_are_flat(world):
    w = world
    add_units(w, w.wheelchair, N)
    add_units(w, w.walker, 2)
    people = []
    for i in range(N // 2):
        resident = ResidentFactory(name=f"借用人{i}")
        link(w.family.user_id, resident)
        people.append(resident)
    for r in people:
        lend(w, w.wheelchair, resident=r)
        reserve(w, w.wheelchair, resident=r)
    centre = w.centre.id  # ids, not objects: each count starts a fresh session
    assert_flat(w.family, "/me/device-loans", N)
    assert_flat(w.staff, f"/staff/device-loans?site_id={centre}", N)
    assert_flat(w.staff, "/staff/device-loans", N)
    assert_flat(w.staff, f"/staff/sites/{centre}/device-items", N + 2)
