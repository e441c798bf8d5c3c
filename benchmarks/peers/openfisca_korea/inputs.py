"""Input variables: one per column of Nara's population file (docs/rules/situation.md).

Facts that do not change within a run are ETERNITY; the others are MONTH, read by the rules for the month
of the evaluation day (``period.first_month``). Enumerations are named as Nara's values, so that string
arrays from the population file encode as they are. Amounts are whole won (``int``: exact comparisons).
"""

from __future__ import annotations

from datetime import date

from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from openfisca_korea.entities import Household, Person

# OpenFisca's Variable API: class attributes named by the framework, classes named like the variables.
# ruff: noqa: N801


class Relation(Enum):
    self = "본인"
    spouse = "배우자"
    child = "자녀"
    parent = "부모"
    sibling = "형제자매"
    grandchild = "손자녀"
    other = "그 밖의 관계"


class Sex(Enum):
    male = "남성"
    female = "여성"


class Disability(Enum):
    none = "장애 없음"
    mild = "장애의 정도가 심하지 않은"
    severe = "장애의 정도가 심한"


class Employment(Enum):
    employed = "근로자"
    self_employed = "자영업자"
    unemployed = "실업자"
    student = "학생"
    none = "일하지 않음"


class School(Enum):
    none = "재학하지 않음"
    elementary = "초등학교"
    middle = "중학교"
    high = "고등학교"
    university = "대학교"


class Industry(Enum):
    none = "해당 없음"
    farming = "농업인"
    fishing = "어업인"
    livestock = "축산업인"
    forestry = "임업인"


class birth_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "생년월일"


class relation(Variable):
    value_type = Enum
    possible_values = Relation
    default_value = Relation.other
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "본인과의 관계 (가구 안의 역할과 같은 값)"


class sex(Variable):
    value_type = Enum
    possible_values = Sex
    default_value = Sex.male
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "성별"


class birth_order(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "출생 순위 (자녀만; 그 밖의 가구원은 0)"


class disability(Variable):
    value_type = Enum
    possible_values = Disability
    default_value = Disability.none
    entity = Person
    definition_period = DateUnit.MONTH
    label = "장애의 정도"


class pregnant(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "임신 중"


class employment(Variable):
    value_type = Enum
    possible_values = Employment
    default_value = Employment.none
    entity = Person
    definition_period = DateUnit.MONTH
    label = "일자리"


class school(Variable):
    value_type = Enum
    possible_values = School
    default_value = School.none
    entity = Person
    definition_period = DateUnit.MONTH
    label = "재학"


class veteran(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "국가보훈대상자"


class industry(Variable):
    value_type = Enum
    possible_values = Industry
    default_value = Industry.none
    entity = Person
    definition_period = DateUnit.MONTH
    label = "농·어·축산·임업인"


class region(Variable):
    value_type = str
    max_length = 5
    entity = Household
    definition_period = DateUnit.MONTH
    label = "시군구 코드"


class household_size(Variable):
    value_type = int
    entity = Household
    definition_period = DateUnit.MONTH
    label = "가구원 수 (입력값; 규칙은 가구원을 센다)"


class income_recognised_monthly(Variable):
    value_type = int
    entity = Household
    definition_period = DateUnit.MONTH
    label = "가구 소득인정액 (원/월)"


class owns_home(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    label = "주택 소유"


class single_parent(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    label = "한부모가정·조손가정"


class multicultural(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    label = "다문화가족"


class north_korean_defector(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    label = "북한이탈주민 가구"


PERSON_INPUTS = (
    "birth_date", "relation", "sex", "birth_order", "disability", "pregnant", "employment", "school",
    "veteran", "industry",
)  # fmt: skip
HOUSEHOLD_INPUTS = (
    "region", "household_size", "income_recognised_monthly", "owns_home", "single_parent", "multicultural",
    "north_korean_defector",
)  # fmt: skip
ETERNAL = ("birth_date", "relation", "sex", "birth_order")
INPUTS = (
    birth_date, relation, sex, birth_order, disability, pregnant, employment, school, veteran, industry,
    region, household_size, income_recognised_monthly, owns_home, single_parent, multicultural,
    north_korean_defector,
)  # fmt: skip
