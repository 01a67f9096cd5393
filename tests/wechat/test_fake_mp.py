"""The fake's protocol details that the client tests do not reach."""
import requests

APP = {"appid": "wx-fake-app", "secret": "s"}


def classic_token(base: str) -> str:
    params = {"grant_type": "client_credential", **APP}
    return requests.get(f"{base}/cgi-bin/token", params=params, timeout=5).json()["access_token"]


def stable_token(base: str, force_refresh: bool = False) -> str:
    body = {"grant_type": "client_credential", "force_refresh": force_refresh, **APP}
    return requests.post(f"{base}/cgi-bin/stable_token", json=body, timeout=5).json()["access_token"]


def check(base: str, token: str, content: str = "你好") -> dict:
    body = {"content": content, "version": 2, "scene": 2, "openid": "alice"}
    return requests.post(f"{base}/wxa/msg_sec_check", params={"access_token": token},
                         json=body, timeout=5).json()


def send(base: str, token: str, data: dict) -> dict:
    body = {"touser": "alice", "template_id": "tpl", "miniprogram_state": "formal",
            "data": {key: {"value": value} for key, value in data.items()}}
    return requests.post(f"{base}/cgi-bin/message/subscribe/send", params={"access_token": token},
                         json=body, timeout=5).json()


def test_cgi_bin_token_invalidates_only_its_own_previous_token(fake: str) -> None:
    stable, first = stable_token(fake), classic_token(fake)
    second = classic_token(fake)
    assert check(fake, first)["errcode"] == 40001
    assert check(fake, second)["errcode"] == 0
    assert check(fake, stable)["errcode"] == 0


def test_stable_token_stays_until_forced(fake: str) -> None:
    token = stable_token(fake)
    assert stable_token(fake) == token
    forced = stable_token(fake, force_refresh=True)
    assert forced != token
    assert check(fake, token)["errcode"] == 40001


def test_missing_or_unknown_token_is_40001(fake: str) -> None:
    assert check(fake, "")["errcode"] == 40001
    assert check(fake, "nope")["errcode"] == 40001


def test_msg_sec_check_answers_like_wechat(fake: str) -> None:
    answer = check(fake, stable_token(fake), "违禁词")
    assert answer["result"] == {"suggest": "risky", "label": 20001}
    assert answer["detail"][0]["suggest"] == "risky"
    assert answer["trace_id"]


def test_subscribe_values_follow_wechat_field_rules(fake: str) -> None:
    token = stable_token(fake)
    ok = [{"thing1": "二十个字" * 5}, {"number1": "12.5"}, {"phrase1": "已通过"},
          {"name1": "张三"}, {"name1": "AlexandraSmithers"},
          {"character_string1": "A-2026-0001"}, {"date1": "2026年6月1日"}]
    bad = [{"thing1": "二十一个字" * 4 + "多"}, {"thing1": "两\n行"}, {"number1": "十二"},
           {"phrase1": "六个字的短语"}, {"name1": "十一个字的名字啊啊啊啊"},
           {"character_string1": "x" * 33}, {"thing1": ""}]
    for data in ok:
        assert send(fake, token, data)["errcode"] == 0, data
    for data in bad:
        answer = send(fake, token, data)
        assert answer["errcode"] == 47003, data
        assert answer["errmsg"] == f"argument invalid! data.{next(iter(data))}.value invalid"
