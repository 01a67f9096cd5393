"""WeChat clients, one of each per app, built lazily from config."""
from flask import current_app


def mp_client():
    """The mini-program API client (wechatpy subclass)."""
    client = current_app.extensions.get("wechat_mp")
    if client is None:
        from ..redis_gate import redis_gate
        from .miniprogram import MiniProgramClient
        client = current_app.extensions["wechat_mp"] = MiniProgramClient.from_config(
            current_app.config, redis_gate(current_app))
    return client


def pay_client():
    """The WeChat Pay v3 client (wechatpayv3)."""
    client = current_app.extensions.get("wechat_pay")
    if client is None:
        from .pay import PayClient
        client = current_app.extensions["wechat_pay"] = PayClient.from_config(current_app.config)
    return client
