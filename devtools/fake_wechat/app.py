"""The fake's Flask app: mini-program APIs (mp.py), WeChat Pay v3 (pay.py), control routes."""
from flask import Flask, jsonify, request

from . import faults, mp, pay


def create_fake_app(keys_dir: str | None = None) -> Flask:
    app = Flask("fake_wechat")
    app.config["FAKE_KEYS_DIR"] = keys_dir
    app.json.ensure_ascii = False
    app.register_blueprint(mp.bp)
    app.register_blueprint(pay.bp)

    @app.post("/_fake/faults")
    def arm_fault():
        body = request.get_json(force=True, silent=True) or {}
        api, mode = body.get("api"), body.get("mode")
        if api not in faults.APIS or mode not in ("error", "timeout"):
            return jsonify({"error": "api must be one of %s, mode error|timeout" % sorted(faults.APIS)}), 400
        faults.arm(api, mode, int(body.get("times", 1)), body.get("errcode"))
        return jsonify({"ok": True})

    @app.delete("/_fake/faults")
    def clear_faults():
        faults.reset()
        return jsonify({"ok": True})

    return app
