"""The assessment forms that ship with the product, one per domain (version 1 of each).

The questions follow what assessors at assistive-device service centres record before
recommending a product: function first (what the person can do), then measurements the product
must fit, the environment it will be used in, the devices already in use, and the person's goals.
Grades use the scales assessors already know (WHO hearing grades, MMT 0–5, Barthel, K levels).
Measurements are optional where they are not always taken at the first visit.

A form is `{domain, version, title, questions}`; a question is `{key, text, type, required}` plus
`choices` (single/multi) or `unit`/`min`/`max` (number). Keys are stable: answers are stored under
them, so a change of wording is a new version, never a new key for the same question.
"""
import copy

DOMAINS: tuple[str, ...] = (
    "vision", "hearing", "upper_limb", "lower_limb", "mobility", "communication", "daily_living",
)


def _single(key: str, text: str, choices: list[str], required: bool = True) -> dict:
    return {"key": key, "text": text, "type": "single", "choices": choices, "required": required}


def _multi(key: str, text: str, choices: list[str], required: bool = True) -> dict:
    return {"key": key, "text": text, "type": "multi", "choices": choices, "required": required}


def _number(key: str, text: str, unit: str | None, lo: float, hi: float, required: bool = False) -> dict:
    question = {"key": key, "text": text, "type": "number", "min": lo, "max": hi, "required": required}
    if unit:  # decimal visual acuity has no unit
        question["unit"] = unit
    return question


def _text(key: str, text: str, required: bool = False) -> dict:
    return {"key": key, "text": text, "type": "text", "required": required}


def _bool(key: str, text: str, required: bool = True) -> dict:
    return {"key": key, "text": text, "type": "bool", "required": required}


_SIDE = ["左侧", "右侧", "双侧"]
_CURRENT = "现用辅具及其状况（名称、使用年限、能否正常使用、存在的问题）"
_GOALS = "本人或家属的期望与主要使用目标"

_VISION = [
    _number("va_right", "右眼最佳矫正视力（小数记录，无光感记 0）", None, 0, 2),
    _number("va_left", "左眼最佳矫正视力（小数记录，无光感记 0）", None, 0, 2),
    _single("light_perception", "较好眼的光感", [
        "无光感", "有光感，不能辨别光源方向", "有光感，能辨别光源方向", "有形觉（能辨认手动、指数或物体轮廓）"]),
    _number("visual_field_radius", "较好眼视野半径", "度", 0, 90),
    _multi("visual_field_defect", "视野情况", [
        "无明显缺损", "中心暗点", "周边视野缩小（管状视野）", "偏盲", "未检查"]),
    _bool("glare_sensitive", "是否畏光或对眩光敏感"),
    _single("smallest_print", "在最适合的距离下能读出的最小字体", [
        "能读常规印刷字（如报纸正文）", "需放大后才能读（如大字本）", "仅能辨认标题等大字", "不能阅读印刷字"]),
    _multi("reading_needs", "阅读需求", [
        "书报杂志", "药品说明书", "票据与账单", "手机或电脑屏幕", "学习教材", "工作文件", "无阅读需求"]),
    _single("braille", "盲文能力", ["能熟练读写", "能读不能写", "正在学习", "不会"]),
    _single("screen_reader", "读屏软件或手机语音功能的使用", [
        "能熟练使用", "会基本操作", "未使用但愿意学习", "不愿使用"]),
    _single("travel", "出行情况", [
        "能独立出行，包括陌生路线", "仅能独立走熟悉路线", "需他人陪同", "基本不出门"]),
    _single("white_cane", "盲杖使用", ["在用，受过定向行走训练", "在用，未受过训练", "未使用"]),
    _text("current_devices", _CURRENT),
    _text("goals", _GOALS),
]

_HEARING_GRADES = ["正常（≤25 dB HL）", "轻度（26–40 dB HL）", "中度（41–60 dB HL）",
                   "重度（61–80 dB HL）", "极重度（≥81 dB HL）", "未检查"]
_HEARING = [
    _single("loss_right", "右耳听力损失程度", _HEARING_GRADES),
    _single("loss_left", "左耳听力损失程度", _HEARING_GRADES),
    _number("pta_right", "右耳平均听阈（0.5、1、2、4 kHz）", "dB HL", -10, 130),
    _number("pta_left", "左耳平均听阈（0.5、1、2、4 kHz）", "dB HL", -10, 130),
    _single("loss_type", "听力损失性质", ["传导性", "感音神经性", "混合性", "不详"]),
    _single("onset", "听力损失发生时间", ["语前（学会说话之前）", "语后", "不详"]),
    _multi("ear_condition", "耳部情况（影响验配）", [
        "无异常", "外耳道狭窄或畸形", "耵聍栓塞", "中耳炎或耳道流脓", "耳鸣", "眩晕"]),
    _single("hearing_aid_history", "助听器使用史", [
        "从未使用", "曾使用，现已停用", "单耳佩戴中", "双耳佩戴中", "已植入人工耳蜗"]),
    _number("hearing_aid_hours", "现用助听器每日佩戴时长", "小时", 0, 24),
    _multi("hearing_aid_problems", "现用或曾用助听器的问题", [
        "无", "声音不清楚", "噪声大或啸叫", "佩戴不适", "自己操作困难", "电池或维修不便", "外观顾虑"],
        required=False),
    _single("speech_recognition", "安静环境下不看口型的言语识别", [
        "能听懂一般对话", "能听懂部分词句", "仅能察觉声音", "对声音无反应"]),
    _number("speech_recognition_score", "言语识别率", "%", 0, 100),
    _single("sign_language", "手语及读唇", ["主要用手语", "依赖读唇", "手语与口语都用", "都不用"]),
    _multi("scenarios", "主要使用场景", [
        "家庭交谈", "电话或视频通话", "看电视", "上学或课堂", "工作或会议", "户外与交通", "社交聚会"]),
    _single("handling", "能否自行摘戴助听器、更换电池或充电", ["能独立完成", "需部分协助", "不能完成"]),
]

_JOINT = ["正常", "活动受限", "不稳", "挛缩或强直"]
_UPPER_LIMB = [
    _single("affected_side", "受累侧", _SIDE),
    _single("dominant_hand", "利手", ["右手", "左手", "不确定"]),
    _single("limb_loss_level", "上肢缺失平面", [
        "无缺失", "部分手（手指或掌骨）", "腕离断", "前臂", "肘离断", "上臂", "肩离断"]),
    _number("residual_limb_length", "残肢长度（截肢者）", "cm", 0, 80),
    _single("shoulder", "肩关节（受累侧）", _JOINT),
    _single("elbow_wrist", "肘、腕关节（受累侧）", _JOINT),
    _single("grasp", "抓握能力", ["粗大与精细抓握均可", "仅能粗大抓握", "抓握无力，不能持物", "不能抓握"]),
    _number("grip_strength", "握力（受累侧）", "kg", 0, 80),
    _single("muscle_tone", "肌张力", ["正常", "增高（痉挛）", "降低（弛缓）", "波动"]),
    _single("hand_sensation", "手部感觉", ["正常", "减退", "消失", "过敏或疼痛"]),
    _bool("skin_problem", "是否有水肿、瘢痕或皮肤破损"),
    _multi("difficult_tasks", "完成有困难的活动", [
        "进食", "洗漱", "穿脱衣物", "书写", "使用手机或电脑", "开门、拧瓶盖", "做家务", "工作中的操作"]),
    _text("current_devices", _CURRENT),
    _text("goals", _GOALS),
]

_LOWER_LIMB = [
    _single("affected_side", "受累侧", _SIDE),
    _single("limb_loss_level", "下肢缺失平面", [
        "无缺失", "部分足", "踝离断（赛姆）", "小腿", "膝离断", "大腿", "髋离断"]),
    _number("residual_limb_length", "残肢长度（截肢者）", "cm", 0, 100),
    _multi("residual_limb_condition", "残肢情况（截肢者）", [
        "良好", "瘢痕或粘连", "皮肤破损或溃疡", "水肿", "骨突明显", "幻肢痛或残肢痛"], required=False),
    _single("knee", "膝关节（受累侧）", ["正常", "活动受限", "不稳或过伸", "屈曲挛缩"]),
    _single("ankle_foot", "踝足情况（受累侧）", [
        "正常", "足下垂", "足内翻", "足外翻", "扁平足", "高弓足", "挛缩或强直"]),
    _number("knee_extensor_strength", "受累侧股四头肌肌力（徒手肌力评定）", "级", 0, 5),
    _number("leg_length_difference", "双下肢长度差", "cm", 0, 30),
    _single("foot_sensation", "足底感觉", ["正常", "减退", "消失"]),
    _single("walking", "步行能力", ["独立步行", "需拐杖或助行器", "需他人扶助", "不能步行"]),
    _number("standing_minutes", "持续站立时间", "分钟", 0, 600),
    _single("activity_level", "预期活动水平（K 级）", [
        "K0 不能行走或转移", "K1 室内固定速度步行", "K2 室外有限步行，能跨越低矮障碍",
        "K3 社区内变速步行", "K4 高强度活动（运动、重体力劳动）"]),
    _number("body_weight", "体重", "kg", 10, 250, required=True),
    _text("current_devices", _CURRENT),
    _text("goals", _GOALS),
]

_MOBILITY = [
    _single("walking", "步行能力", [
        "能独立步行 500 米以上", "能独立步行但距离有限", "需拐杖或助行器", "需他人扶助", "不能步行"]),
    _single("standing_balance", "站立平衡", ["良好（能抵抗外力）", "静态能维持", "需扶持", "不能站立"]),
    _single("sitting_balance", "坐位平衡", ["良好", "静态能维持", "需外部支撑"]),
    _single("transfer", "转移能力（床与轮椅之间）", ["独立完成", "需少量协助", "需大量协助", "完全依赖"]),
    _single("propulsion", "上肢推动轮椅的能力", [
        "能独立长距离推动", "仅能短距离推动", "不能推动（需他人推行或电动）"]),
    _number("hip_width", "坐姿臀宽（坐骨及臀部最宽处）", "cm", 20, 70, required=True),
    _number("seat_depth", "座深（臀部后缘至腘窝）", "cm", 20, 70, required=True),
    _number("lower_leg_length", "小腿长（腘窝至足跟）", "cm", 20, 70),
    _number("back_height", "坐面至肩胛下角高度", "cm", 20, 80),
    _number("body_weight", "体重", "kg", 10, 250, required=True),
    _multi("postural_issues", "坐姿问题", [
        "无", "骨盆倾斜", "脊柱侧弯", "躯干前倾或侧倾", "头部控制差", "下肢内收（剪刀腿）"]),
    _single("pressure_risk", "压疮风险", ["低风险", "中风险", "高风险", "已有压疮"]),
    _number("daily_sitting_hours", "每日坐轮椅时长", "小时", 0, 24),
    _multi("environment", "使用环境", [
        "室内", "室外平路", "楼梯", "坡道", "不平路面", "乘坐公交或汽车"]),
    _text("current_devices", _CURRENT),
]

_COMMUNICATION = [
    _multi("methods", "主要沟通方式", [
        "口语", "手语", "书写或打字", "手势和表情", "图片或沟通板", "辅助沟通设备"]),
    _single("intelligibility", "言语清晰度（陌生人能听懂的程度）", [
        "完全能听懂", "大部分能听懂", "少部分能听懂", "听不懂或无口语"]),
    _single("comprehension", "语言理解能力", [
        "能理解复杂语句", "能理解简单指令", "仅能理解个别词语或手势", "难以理解"]),
    _single("literacy", "读写能力", ["能读能写", "能读不能写", "认识少量字", "不识字"]),
    _single("cognition", "认知情况", ["正常", "轻度障碍", "中重度障碍"]),
    _single("hearing", "听力情况", ["正常", "听力下降", "聋"]),
    _single("vision", "视力情况", ["正常", "低视力", "盲"]),
    _single("access", "操作设备的方式", [
        "手指直接触控", "需大按键或键盘保护框", "需头控、眼控或开关", "不能操作"]),
    _single("phone_use", "手机使用情况", ["能熟练使用智能手机", "只会接打电话", "不会使用或没有手机"]),
    _multi("partners", "主要沟通对象", [
        "家人", "照护者", "同学或老师", "同事", "医护人员", "陌生人（购物、办事）"]),
    _multi("situations", "需要辅助的场景", [
        "日常交谈", "表达需求和不适", "电话或视频", "上课或工作", "就医", "紧急求助"]),
    _bool("can_call_for_help", "能否独立发出紧急求助"),
    _text("current_devices", _CURRENT),
    _text("goals", _GOALS),
]

_INDEPENDENCE = ["独立完成", "需部分帮助", "完全依赖"]
_DAILY_LIVING = [
    _single("eating", "进食", ["独立完成", "需部分帮助（如夹菜、切碎）", "完全依赖"]),
    _single("grooming", "修饰（洗脸、刷牙、梳头、刮脸）", ["独立完成", "需帮助"]),
    _single("bathing", "洗澡", ["独立完成", "需帮助"]),
    _single("dressing", "穿脱衣物（含系扣、拉链、鞋带）", _INDEPENDENCE),
    _single("toileting", "如厕（含便后清洁、整理衣物）", _INDEPENDENCE),
    _single("continence", "大小便控制", ["能控制", "偶有失禁", "经常失禁或需导尿"]),
    _single("bed_chair_transfer", "床椅转移", ["独立完成", "需少量帮助", "需大量帮助", "完全依赖"]),
    _single("stairs", "上下楼梯", ["独立完成", "需帮助", "不能"]),
    _number("barthel_score", "Barthel 指数总分", "分", 0, 100),
    _number("falls_past_year", "近一年跌倒次数", "次", 0, 50, required=True),
    _multi("bathroom", "卫生间情况", [
        "坐便器", "蹲便器", "淋浴", "浴缸", "已装扶手", "地面湿滑", "有门槛或高差"]),
    _multi("home_barriers", "居家环境障碍", [
        "无", "楼房无电梯", "门槛", "门宽不足 80 厘米", "通道狭窄", "床过高或过低", "照明不足"]),
    _single("living_arrangement", "居住与照护情况", [
        "独居", "与家人同住，有人照护", "与家人同住，白天无人", "住在养护机构"]),
    _text("current_devices", _CURRENT),
    _text("goals", _GOALS),
]

_FORMS: dict[str, dict] = {
    "vision": {"title": "视觉功能评估", "questions": _VISION},
    "hearing": {"title": "听觉功能评估", "questions": _HEARING},
    "upper_limb": {"title": "上肢功能评估", "questions": _UPPER_LIMB},
    "lower_limb": {"title": "下肢功能评估（矫形器、假肢）", "questions": _LOWER_LIMB},
    "mobility": {"title": "移动与坐姿评估（轮椅、助行器适配）", "questions": _MOBILITY},
    "communication": {"title": "沟通与信息交流评估", "questions": _COMMUNICATION},
    "daily_living": {"title": "生活自理能力与居家环境评估", "questions": _DAILY_LIVING},
}


def get_form(domain: str) -> dict:
    """The shipped form of a domain, as a fresh copy (callers may change it). KeyError if unknown."""
    form = _FORMS[domain]
    return {"domain": domain, "version": 1, "title": form["title"],
            "questions": copy.deepcopy(form["questions"])}


def shipped_forms() -> list[dict]:
    """All shipped forms, in DOMAINS order, as fresh copies (the seed of the forms table)."""
    return [get_form(domain) for domain in DOMAINS]
