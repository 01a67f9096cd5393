"""The certificate as a PDF (reportlab), in the CJK font every PDF reader has built in
(`STSong-Light`, Adobe-GB1): nothing to download or embed, and the text stays extractable."""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def hours_text(minutes: int) -> str:
    return f"{minutes // 60} 小时 {minutes % 60} 分钟"


def render(cert: dict) -> bytes:
    font = _font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(f"志愿服务证明 {cert['number']}")
    c.setAuthor(cert["issuer"])
    width, height = A4
    left = 25 * mm

    def header(y: float) -> float:
        c.setFont(font, 22)
        c.drawCentredString(width / 2, y, "志愿服务证明")
        return y - 14 * mm

    y = header(height - 30 * mm)
    c.setFont(font, 12)
    lines = [
        f"志愿者姓名：{cert['volunteer_name']}",
        f"志愿者编号：{cert['volunteer_no']}",
        f"服务期间：{cert['from'].isoformat()} 至 {cert['to'].isoformat()}",
        f"服务时长：{hours_text(cert['minutes'])}（合计 {cert['minutes']} 分钟）",
        f"证明编号：{cert['number']}",
        f"验证码：{cert['verification_code']}",
    ]
    for line in lines:
        c.drawString(left, y, line)
        y -= 8 * mm
    y -= 2 * mm
    c.drawString(left, y, "服务内容：")
    y -= 8 * mm
    c.setFont(font, 10.5)
    cols = (left, left + 105 * mm, left + 135 * mm)
    for x, title in zip(cols, ("活动", "日期", "时长（分钟）")):
        c.drawString(x, y, title)
    y -= 6 * mm
    for e in cert["entries"]:
        if y < 50 * mm:
            c.showPage()
            y = header(height - 30 * mm)
            c.setFont(font, 10.5)
        title = e["title"] if len(e["title"]) <= 30 else e["title"][:29] + "…"
        c.drawString(cols[0], y, f"{title}（{e['site']}）" if len(title) + len(e["site"]) <= 30 else title)
        c.drawString(cols[1], y, e["date"])
        c.drawRightString(cols[2] + 20 * mm, y, str(e["minutes"]))
        y -= 6 * mm
    y = min(y - 10 * mm, 45 * mm)
    c.setFont(font, 12)
    c.drawString(left, y, "兹证明该志愿者参加上述志愿服务，特此证明。")
    c.drawString(left, y - 9 * mm, f"出具单位：{cert['issuer']}")
    c.drawString(left, y - 17 * mm, f"出具日期：{cert['issued_at'].date().isoformat()}")
    c.setFont(font, 9)
    c.drawString(left, 15 * mm, f"本证明可凭证明编号 {cert['number']} 查验（依据民发〔2015〕149号《志愿服务记录办法》）。")
    c.showPage()
    c.save()
    return buf.getvalue()
