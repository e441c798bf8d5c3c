"""What the citizen wants: find a service, check eligibility, learn how to apply, follow an application,
or talk to a person. Rule-based: keyword cues over the compact text and Kiwi's lemmas; no model, no network.

Each cue has a weight; an intent's score is its strongest cue plus half of the others. The confidence is the
share of the winning score among all scores, scaled down when even the winner is weak (a single weak cue
gives 0.5 at most), so a message that fits two intents equally is never answered with confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from nara.assistant.language import compact, lemmas


class Intent(StrEnum):
    FIND_SERVICE = "find_service"
    CHECK_ELIGIBILITY = "check_eligibility"
    HOW_TO_APPLY = "how_to_apply"
    APPLICATION_STATUS = "application_status"
    HUMAN = "human"
    UNKNOWN = "unknown"


CONFIDENT = 0.5  # below this the assistant says it is not sure
_STRONG = 2.0  # a cue this heavy alone gives full strength

# (intent, pattern over the compact text, weight)
_CUES: tuple[tuple[Intent, str, float], ...] = (
    (
        Intent.HUMAN,
        r"상담원|상담사|상담직원|사람(?:이랑|하고|과|이랑은)?(?:통화|얘기|이야기|연결|대화)|직원(?:이랑|과|하고)?(?:통화|연결|얘기)|콜센터|전화(?:로)?(?:상담|연결|문의)|연결(?:해|시켜)|통화(?:하고싶|할수있|가능)|110",
        3.0,
    ),
    (Intent.HUMAN, r"사람(?:이|한테)?(?:필요|불러)|사람없|직접물어|기계말고|로봇말고|ai말고", 2.5),
    (
        Intent.APPLICATION_STATUS,
        r"신청(?:한|했던|해놓은|해둔|하였던|했는데|했어요|했습니다|한지|해놨)\w{0,8}(?:어떻게(?:됐|되었|되고|되나)|결과|진행|처리|언제(?:나와|나오|돼|되|들어|입금|받)|됐나|되었나|승인|심사|접수(?:됐|되었)|소식|연락)",
        3.0,
    ),
    (
        Intent.APPLICATION_STATUS,
        r"(?:처리|진행|심사|접수)(?:상황|현황|상태|결과|됐|되었|중)|결과(?:는|가)?(?:언제|어떻게|나왔|확인)|어디까지(?:진행|됐)|입금(?:이)?(?:언제|안)|왜안(?:나와|들어와|와)",
        2.5,
    ),
    (Intent.APPLICATION_STATUS, r"신청(?:한|했던|해놓은|해둔|했는데|했어요|한거|한것)", 1.0),
    (
        Intent.HOW_TO_APPLY,
        r"신청(?:하는)?방법|신청(?:하려면|하면돼|하면되|하는법|하는곳|할곳|할수있는곳|은어디|어디서|처|절차|서류)|(?:어디서|어디에서|어디로|어디에|어떻게)(?:\w{0,4})?신청|접수(?:처|방법|하려면|는어디)|구비서류|필요(?:한)?서류|서류(?:는|가)?(?:뭐|무엇|어떤)|준비(?:물|해야)|어디(?:로|에)?가(?:야|면)|방문(?:해야|하면)|온라인(?:으로)?(?:신청|접수)",
        2.5,
    ),
    (Intent.HOW_TO_APPLY, r"신청(?:하고싶|할래|해야|하러|하고|할게|하려|해주|할수있나)", 1.5),
    (
        Intent.CHECK_ELIGIBILITY,
        r"받을수있|받을수있는|받을수잇|받을수있을|받을수있나|받을자격|탈수있|받을수있는지|해당(?:되|돼|이되|이돼|하나|할까|사항)|대상(?:인가|인지|이에요|이예요|일까|이될|이되|이돼|자인가|자인지|에해당|에들어|이맞)|자격(?:이)?(?:있|되|돼|조건)|(?:나도|저도|우리도|엄마도|어머니도|아버지도)(?:받|해당|신청할수)|받을수있을까|받을수있어|받을수있습|받을수잇나|받을수있게",
        2.5,
    ),
    (
        Intent.CHECK_ELIGIBILITY,
        r"받을수|(?:받|타)(?:나요|을까요|을까|아도되|는지|을수)|되나요|될까요|가능(?:한가|할까|한지|해요|할지)|혜택(?:을)?받",
        1.2,
    ),
    (
        Intent.FIND_SERVICE,
        r"어떤(?:지원|혜택|서비스|제도|도움|복지)|무슨(?:지원|혜택|서비스|제도|도움|복지)|뭐가있|뭐있|무엇이있|뭐(?:가)?(?:받을|해줘|해주)|(?:지원|혜택|서비스|제도|복지|도움)(?:이|은|는|도)?(?:있|뭐|무엇|알려|찾|좀)|찾고있|찾아(?:줘|주세요|봐)|알아보고|소개(?:해|좀)|종류|목록|어떤게있|어떤것들",
        2.0,
    ),
    (Intent.FIND_SERVICE, r"(?:나오|주)(?:나요|는거|는지|는게)|있나요|있을까요|있어요\??$|궁금", 1.0),
)
# Words of public services: with no other cue, a message made of them is a search ("출산 지원금").
_SERVICE_WORDS = frozenset(
    [
        "지원",
        "지원금",
        "혜택",
        "수당",
        "급여",
        "연금",
        "바우처",
        "장려금",
        "보조금",
        "서비스",
        "복지",
        "제도",
        "대출",
        "감면",
        "카드",
        "돌봄",
        "일자리",
        "검진",
        "주택",
        "임대",
        "장학금",
        "요금",
        "치료",
        "상담",
        "교육",
        "보험",
        "통장",
        "월세",
        "전세",
        "양육",
        "출산",
        "육아",
    ]
)
_COMPILED = tuple((intent, re.compile(pattern), weight) for intent, pattern, weight in _CUES)


@dataclass(frozen=True)
class IntentGuess:
    intent: Intent
    confidence: float  # in [0, 1]; 0 for UNKNOWN
    cues: tuple[str, ...] = ()  # the words that decided, for explanations and tests

    @property
    def confident(self) -> bool:
        return self.intent is not Intent.UNKNOWN and self.confidence >= CONFIDENT


def classify(message: str) -> IntentGuess:
    """The intent of one message, with a confidence in [0, 1].

    >>> classify("상담원 연결해 주세요").intent, classify("기초연금 어디서 신청해요").intent
    (<Intent.HUMAN: 'human'>, <Intent.HOW_TO_APPLY: 'how_to_apply'>)
    >>> classify("안녕하세요")
    IntentGuess(intent=<Intent.UNKNOWN: 'unknown'>, confidence=0.0, cues=())
    """
    text = compact(message)
    scores: dict[Intent, list[float]] = {}
    cues: dict[Intent, list[str]] = {}
    for intent, pattern, weight in _COMPILED:
        match = pattern.search(text)
        if match:
            scores.setdefault(intent, []).append(weight)
            cues.setdefault(intent, []).append(match.group(0))
    if not scores:
        words = lemmas(message) & _SERVICE_WORDS
        if not words:
            return IntentGuess(Intent.UNKNOWN, 0.0)
        scores[Intent.FIND_SERVICE] = [1.2]
        cues[Intent.FIND_SERVICE] = sorted(words)
    totals = {intent: max(ws) + 0.5 * (sum(ws) - max(ws)) for intent, ws in scores.items()}
    best = max(totals, key=lambda i: totals[i])
    share = totals[best] / sum(totals.values())
    strength = min(1.0, totals[best] / _STRONG)
    return IntentGuess(best, round(min(0.95, share * strength), 2), tuple(cues[best]))
