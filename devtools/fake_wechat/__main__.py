"""python -m devtools.fake_wechat --port 8900 [--keys-dir instance/wechatpay]"""
import argparse
from pathlib import Path

from werkzeug.serving import run_simple

from .app import create_fake_app


def main() -> None:
    parser = argparse.ArgumentParser(description="Loopback fake of the WeChat APIs")
    parser.add_argument("--host", default="127.0.0.1", choices=["127.0.0.1", "localhost", "::1"])
    parser.add_argument("--port", type=int, default=8900)
    # The same default as the app's WECHATPAY_DEV_KEYS_DIR, wherever the fake is started from.
    parser.add_argument("--keys-dir", default=str(Path(__file__).resolve().parents[2] / "instance" / "wechatpay"))
    args = parser.parse_args()
    run_simple(args.host, args.port, create_fake_app(args.keys_dir), threaded=True)


if __name__ == "__main__":
    main()
