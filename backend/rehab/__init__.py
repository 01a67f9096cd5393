"""Rehab stations: services, therapists, weekly schedules, slots and appointments (API.md "Rehab appointments")."""
