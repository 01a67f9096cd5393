"""Loopback fake of the WeChat APIs the backend calls (see API.md)."""
