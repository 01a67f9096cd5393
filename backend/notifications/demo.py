"""Demo subscribe credits. The demo's notifications themselves come from the use cases the other
domains' demos run (a volunteer reviewed, a signup confirmed, an appointment booked, an order made
ready), so each says what the product would say, at the site's wall-clock time, with its real page."""
from . import credits


def seed(ctx: dict) -> None:
    """The volunteer accepted the review template and the family the booking and pickup ones:
    `flask worker` sends those messages to the fake (GET /_fake/messages?touser=volunteer)."""
    users = ctx["users"]
    credits.add(users["volunteer"].id, "tmpl_volunteer_reviewed")
    for template in ("tmpl_appointment_booked", "tmpl_order_ready"):
        credits.add(users["family"].id, template)
