"""Every sentence the assistant says. Plain, polite 해요체, short sentences for older readers.

Templates hold no facts of their own: names, amounts, questions and 신청 방법 come from the rules engine or
the catalog, and are put in as given. The only number a template carries is the 110 of the
정부민원안내콜센터.
"""

from __future__ import annotations

from nara.rules import won

HANDOFF_NAME = "정부민원안내콜센터"
HANDOFF_PHONE = "110"

CALL_110 = f"사람과 직접 이야기하시려면 {HANDOFF_NAME} {HANDOFF_PHONE}번으로 전화해 주세요."
HUMAN = f"상담원과 이야기하시려면 {HANDOFF_NAME} {HANDOFF_PHONE}번으로 전화해 주세요."
HUMAN_MEANWHILE = "무엇이 궁금하신지 말씀해 주시면 제가 먼저 찾아 드릴 수도 있어요."
STATUS = "나라에서 신청하신 일은 로그인하신 뒤 '내 신청 현황'(/me/applications)에서 단계마다 시간과 담당 기관까지 보실 수 있어요. 결정이 나면 전자 사서함으로도 알려 드려요."
STATUS_WHERE = f"다른 곳에서 신청하셨다면 신청하신 기관에 물어보시거나, {HANDOFF_NAME} {HANDOFF_PHONE}번으로 전화해 주세요."

NOT_SURE = "말씀하신 내용을 제가 잘 알아듣지 못했어요."
NOT_SURE_HITS = "혹시 아래 서비스를 찾으셨나요?"
NOT_SURE_AGAIN = "다른 말로 한 번 더 말씀해 주셔도 돼요."

FIND_INTRO = "말씀하신 내용과 관련된 서비스예요."
FIND_NONE = "말씀하신 내용으로 찾은 서비스가 없어요. 다른 말로 다시 말씀해 주세요."
FIND_NEXT = "받을 수 있는지 알아보려면 '받을 수 있나요?'라고 물어봐 주세요."
FIND_LINE = "- {name} ({agency})"
FIND_LINE_ELIGIBLE = "- {name} ({agency}): 받을 수 있어요"

CHECK_INTRO_SELF = "알려 주신 내용으로 받을 수 있는지 알아봤어요."
CHECK_INTRO_OTHER = "{who} 받을 수 있는지 알아봤어요."
UNDERSTOOD = "제가 알아들은 내용: {facts}"
SECTION_ELIGIBLE = "받을 수 있어요:"
SECTION_UNDETERMINED = "더 알아봐야 해요:"
SECTION_NONE = "지금까지 알려 주신 내용으로는 받을 수 있다고 말씀드릴 서비스가 아직 없어요."
LINE = "- {name}"
LINE_AMOUNT = "- {name}: {amount}"
NOTE_AGE = "나이는 만 나이로 보고 알아봤어요."
NOTE_INCOME = "말씀하신 소득을 소득인정액으로 보고 알아봤어요. 재산이 있으면 결과가 달라질 수 있어요."
QUESTION = "하나 여쭤볼게요. {question}"
DONE = "알려 주신 내용으로 알아볼 수 있는 것은 다 알아봤어요."
DECIDES = "실제로 받을 수 있는지는 신청하신 뒤 담당 기관이 정해요."
APPLY_NEXT = "신청 방법이 궁금하시면 '신청 방법 알려 주세요'라고 말씀해 주세요."

ANSWER_UNCLEAR = "죄송해요, 답을 잘 알아듣지 못했어요. {hint}"
ANSWER_SKIPPED = "괜찮아요. 그 질문은 넘어갈게요."
HINTS = {
    "money": "'150만 원'처럼 금액으로 말씀해 주세요.",
    "yes_no": "'네' 또는 '아니요'로 답해 주세요.",
    "birth_date": "'1955년 3월 2일'처럼 말씀해 주세요.",
    "household": "'3명'처럼 숫자로 말씀해 주세요.",
    "count": "숫자로 말씀해 주세요.",
    "region": "'서울 종로구'처럼 시·도와 시·군·구를 함께 말씀해 주세요.",
    "word": "짧게 다시 말씀해 주세요.",
}

APPLY_INTRO = "{name} 신청 방법이에요."
APPLY_ONLINE = "- 온라인: {url}"
APPLY_OFFICES = "- 찾아가실 곳: {offices}"
APPLY_METHODS = "- 신청하는 방법: {methods}"
APPLY_DOCUMENTS = "- 준비할 서류: {documents}"
APPLY_CONTACT = "- 문의: {contact}"
APPLY_ASK_AGENCY = "{name}의 자세한 신청 방법은 {agency}에 물어봐 주세요."
APPLY_WHICH = "어떤 서비스의 신청 방법이 궁금하신가요? 서비스 이름을 말씀해 주세요."

HOUSEHOLD_QUESTION = "{who} 함께 사는 가족은 {whom} 포함해 모두 몇 명인가요?"
RELATION_QUESTION = "{who} {subject} 어떤 관계인가요?"
ALONE = "혼자 사심"
HOUSEHOLD_OF = "{count}명이 함께 사심"

_PERIODS = {"month": "매달", "once": "한 번", "year": "해마다"}
_PARTICLES = {
    "은": ("은", "는"),
    "이": ("이", "가"),
    "을": ("을", "를"),
    "과": ("과", "와"),
    "으로": ("으로", "로"),
}


def amount_text(value: int, period: str) -> str:
    """An engine amount with its period.

    >>> amount_text(342_510, "month"), amount_text(2_000_000, "once")
    ('매달 34만 2,510원', '한 번 200만 원')
    """
    return f"{_PERIODS.get(period, '')} {won(value)}".strip()


def particle(word: str, kind: str) -> str:
    """The word with the particle its last sound takes (은/는, 이/가, 을/를, 과/와, 으로/로).

    >>> particle("어머니", "은"), particle("본인", "이"), particle("아들", "으로"), particle("110", "을")
    ('어머니는', '본인이', '아들로', '110을')
    """
    last = word.rstrip()[-1:] or "가"
    with_final, without = _PARTICLES[kind]
    if "가" <= last <= "힣":
        final = (ord(last) - ord("가")) % 28
        has_final = final != 0 and not (kind == "으로" and final == 8)  # ㄹ takes 로
    else:
        has_final = last in "0136789lmnr"
    return word + (with_final if has_final else without)


def fix_particles(text: str) -> str:
    """Choose the particle the engine's questions leave open ("어머니은(는)" → "어머니는").

    >>> fix_particles("어머니은(는) 임신 중인가요? 아들이(가) 일한 기간")
    '어머니는 임신 중인가요? 아들이 일한 기간'
    """
    for open_form, kind in (("은(는)", "은"), ("이(가)", "이"), ("을(를)", "을"), ("와(과)", "과")):
        while open_form in text:
            at = text.index(open_form)
            start = at
            while start > 0 and text[start - 1] not in " \n":
                start -= 1
            word = text[start:at]
            text = text[:start] + particle(word, kind) + text[at + len(open_form) :]
    return text
