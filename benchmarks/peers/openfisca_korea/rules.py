"""The rules, written as OpenFisca's documentation shows (the *idiomatic* form).

Every rule variable is computed for one DAY period, the evaluation date: parameters are those in force on
that day, ages are full years / months on it, and monthly inputs are read for its month. A rule about the
subject (``for_each: subject``) is a Household variable (the answer of the member with role ``head``,
relation ``self``); a per-child rule is a Person variable, true for each member with role ``child`` that
meets it. Household-size tables are parameter nodes indexed by size (fancy indexing), extended beyond the
largest size by the last step per extra person as Nara's parameters are.
"""

from __future__ import annotations

from typing import Any

import numpy
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from openfisca_korea.entities import Household, Person
from openfisca_korea.inputs import Disability, Employment, Relation, School, Sex

# OpenFisca's Variable API: classes named like the variables, formulas with the framework's signature.
# ruff: noqa: N801, N805


def by_household_size(table: Any, size: Any, extend: bool = True) -> Any:
    """A household-size parameter node (children "1" … "7") for each household, by fancy indexing."""
    largest = max(int(key) for key in table)
    value = table[numpy.minimum(size, largest)]
    if not extend:
        return numpy.where(size <= largest, value, numpy.nan)
    step = table[str(largest)] - table[str(largest - 1)]
    return value + step * numpy.maximum(size - largest, 0)


# Derived facts


class age(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.DAY
    label = "만 나이 (평가일 기준)"

    def formula(person, period, parameters):
        birth = person("birth_date", period)
        birth_year = birth.astype("datetime64[Y]").astype(int) + 1970
        birth_month = birth.astype("datetime64[M]").astype(int) % 12 + 1
        birth_day = (birth - birth.astype("datetime64[M]") + 1).astype(int)
        is_birthday_past = (birth_month < period.start.month) + (birth_month == period.start.month) * (
            birth_day <= period.start.day
        )
        return (period.start.year - birth_year) - numpy.where(is_birthday_past, 0, 1)


class age_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.DAY
    label = "만 개월 수 (평가일 기준)"

    def formula(person, period, parameters):
        birth = person("birth_date", period)
        birth_year = birth.astype("datetime64[Y]").astype(int) + 1970
        birth_month = birth.astype("datetime64[M]").astype(int) % 12 + 1
        birth_day = (birth - birth.astype("datetime64[M]") + 1).astype(int)
        months = (period.start.year - birth_year) * 12 + period.start.month - birth_month
        return months - numpy.where(birth_day > period.start.day, 1, 0)


class is_child(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "자녀 (relation child): the members per-child rules are about"

    def formula(person, period, parameters):
        return person.has_role(Household.CHILD)


class is_head(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "본인 (relation self): the subject of the rules about the subject"

    def formula(person, period, parameters):
        return person.has_role(Household.HEAD)


class is_spouse(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "배우자 (relation spouse)"

    def formula(person, period, parameters):
        return person.has_role(Household.SPOUSE)


class at_school(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "초·중·고등학교 재학 (school in elementary, middle, high)"

    def formula(person, period, parameters):
        school = person("school", period.first_month)
        return (school == School.elementary) + (school == School.middle) + (school == School.high)


class has_spouse(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.DAY
    label = "배우자가 있는 가구"

    def formula(household, period, parameters):
        return household.nb_persons(Household.SPOUSE) > 0


class livelihood_threshold(Variable):
    value_type = int
    entity = Household
    definition_period = DateUnit.DAY
    label = "생계급여 선정기준 (가구원 수별)"

    def formula(household, period, parameters):
        table = parameters(period).basic_livelihood.livelihood_threshold
        return by_household_size(table, household.nb_persons())


class medical_threshold(Variable):
    value_type = int
    entity = Household
    definition_period = DateUnit.DAY
    label = "의료급여 선정기준 (가구원 수별)"

    def formula(household, period, parameters):
        table = parameters(period).basic_livelihood.medical_threshold
        return by_household_size(table, household.nb_persons())


class housing_threshold(Variable):
    value_type = int
    entity = Household
    definition_period = DateUnit.DAY
    label = "주거급여 선정기준 (가구원 수별)"

    def formula(household, period, parameters):
        table = parameters(period).basic_livelihood.housing_threshold
        return by_household_size(table, household.nb_persons())


class education_threshold(Variable):
    value_type = int
    entity = Household
    definition_period = DateUnit.DAY
    label = "교육급여 선정기준 (가구원 수별)"

    def formula(household, period, parameters):
        table = parameters(period).basic_livelihood.education_threshold
        return by_household_size(table, household.nb_persons())


class median_income(Variable):
    value_type = int
    entity = Household
    definition_period = DateUnit.DAY
    label = "기준 중위소득 (가구원 수별)"

    def formula(household, period, parameters):
        return by_household_size(parameters(period).median_income, household.nb_persons())


class income_at_most_half_median(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.DAY
    label = "소득인정액 ≤ 기준 중위소득 × 0.5"

    def formula(household, period, parameters):
        income = household("income_recognised_monthly", period.first_month)
        return income <= household("median_income", period) * 0.5


class basic_pension_income_test(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.DAY
    label = "소득인정액 ≤ 기초연금 선정기준액 (단독 / 부부)"

    def formula(household, period, parameters):
        pension = parameters(period).basic_pension
        income = household("income_recognised_monthly", period.first_month)
        couple = household("has_spouse", period)
        return numpy.where(
            couple, income <= pension.selection_threshold_couple, income <= pension.selection_threshold_single
        )


class disability_pension_income_test(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.DAY
    label = "소득인정액 ≤ 장애인연금 선정기준액 (단독 / 부부)"

    def formula(household, period, parameters):
        pension = parameters(period).disability_pension
        income = household("income_recognised_monthly", period.first_month)
        couple = household("has_spouse", period)
        return numpy.where(
            couple, income <= pension.selection_threshold_couple, income <= pension.selection_threshold_single
        )


# Rules


class child_allowance(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "135200000120 아동수당 (자녀마다)"
    reference = "아동수당법 제4조 제1항"

    def formula(person, period, parameters):
        limit = parameters(period).child_allowance.age_limit_months
        return person("is_child", period) * (person("age_months", period) < limit)


class parent_benefit(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "NARA-PARENT-BENEFIT 부모급여 (자녀마다)"
    reference = "아동수당법 제4조 제5항"

    def formula(person, period, parameters):
        return person("is_child", period) * (person("age_months", period) < 24)


class first_meeting_voucher(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "135200005015 첫만남이용권 (자녀마다)"
    reference = "저출산·고령사회기본법 제10조"

    def formula(person, period, parameters):
        return person("is_child", period) * (person("age_months", period) < 12)


class basic_pension(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.DAY
    label = "SSE000000170 기초연금 (본인)"
    reference = "기초연금법 제3조"

    def formula(household, period, parameters):
        head_age = household.value_from_person(household.members("age", period), role=Household.HEAD)
        within = household("basic_pension_income_test", period)
        return (head_age >= parameters(period).basic_pension.age) * within


class livelihood_benefit(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.DAY
    label = "WII000001410 생계급여 (본인)"
    reference = "국민기초생활 보장법 제8조"

    def formula(household, period, parameters):
        income = household("income_recognised_monthly", period.first_month)
        return income <= household("livelihood_threshold", period)


class medical_aid(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.DAY
    label = "999000000043 의료급여 (본인)"
    reference = "국민기초생활 보장법 제12조의3"

    def formula(household, period, parameters):
        income = household("income_recognised_monthly", period.first_month)
        return income <= household("medical_threshold", period)


class housing_benefit(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.DAY
    label = "336000000096 주거급여 (본인)"
    reference = "주거급여법 제5조"

    def formula(household, period, parameters):
        income = household("income_recognised_monthly", period.first_month)
        return income <= household("housing_threshold", period)


class education_benefit(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "134200000003 교육급여 (자녀마다)"
    reference = "국민기초생활 보장법 제12조"

    def formula(person, period, parameters):
        income = person.household("income_recognised_monthly", period.first_month)
        within = income <= person.household("education_threshold", period)
        return person("is_child", period) * person("at_school", period) * within


class culture_card(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "137100000236 문화누리카드 (본인)"
    reference = "문화예술진흥법 제15조의4"

    def formula(person, period, parameters):
        old_enough = person("age", period) >= parameters(period).culture_card.min_age
        return person("is_head", period) * old_enough * person.household("income_at_most_half_median", period)


class learning_card(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "149200000026 국민내일배움카드 (본인)"
    reference = "국민 평생 직업능력 개발법 제12조"

    def formula(person, period, parameters):
        card = parameters(period).learning_card
        age = person("age", period)
        school = person("school", period.first_month)
        not_excluded = (person("employment", period.first_month) != Employment.student) + (
            (school == School.high) + (school == School.university)
        )
        return person("is_head", period) * (age >= card.min_age) * (age < card.max_age) * not_excluded


class telecom_discount(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "172100000012 취약계층 통신요금 감면 (본인)"
    reference = "전기통신사업법 시행령 제2조 제2항"

    def formula(person, period, parameters):
        month = period.first_month
        disability = person("disability", month)
        disabled = (disability == Disability.mild) + (disability == Disability.severe)
        pension = (person("age", period) >= parameters(period).basic_pension.age) * person.household(
            "basic_pension_income_test", period
        )
        poor = person.household("income_at_most_half_median", period)
        return person("is_head", period) * (poor + disabled + person("veteran", month) + pension)


class jeonse_rental(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.DAY
    label = "999000000022 기존주택 전세임대 (본인)"
    reference = "공공주택 특별법 제45조의2"

    def formula(household, period, parameters):
        month = period.first_month
        income = household("income_recognised_monthly", month)
        near_poor_ratio = parameters(period).jeonse_rental.near_poor_ratio
        near_poor = income <= household("median_income", period) * near_poor_ratio
        medical = income <= household("medical_threshold", period)
        no_home = numpy.logical_not(household("owns_home", month))
        return no_home * (medical + household("single_parent", month) + near_poor)


class self_support_work(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "SBA000000100 자활근로 (본인)"
    reference = "국민기초생활 보장법 제15조"

    def formula(person, period, parameters):
        work = parameters(period).self_support_work
        age = person("age", period)
        poor = person.household("income_at_most_half_median", period)
        not_student = person("employment", period.first_month) != Employment.student
        return person("is_head", period) * poor * (age >= work.min_age) * (age < work.age_limit) * not_student


class disability_pension(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "SD0000016119 장애인연금 (본인)"
    reference = "장애인연금법 제4조"

    def formula(person, period, parameters):
        old_enough = person("age", period) >= parameters(period).disability_pension.min_age
        severe = person("disability", period.first_month) == Disability.severe
        within = person.household("disability_pension_income_test", period)
        return person("is_head", period) * old_enough * severe * within


class disability_allowance(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "SPE000000010 장애수당 (본인)"
    reference = "장애인복지법 제49조"

    def formula(person, period, parameters):
        age = person("age", period)
        allowance = parameters(period).disability_allowance
        pupil = (age <= allowance.student_age_limit) * person("at_school", period)
        mild = person("disability", period.first_month) == Disability.mild
        old_enough = age >= allowance.min_age
        poor = person.household("income_at_most_half_median", period)
        return person("is_head", period) * old_enough * mild * poor * numpy.logical_not(pupil)


class disabled_child_allowance(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "SPE000000020 장애아동수당 (자녀마다)"
    reference = "장애인복지법 제50조"

    def formula(person, period, parameters):
        allowance = parameters(period).disabled_child_allowance
        age = person("age", period)
        disability = person("disability", period.first_month)
        disabled = (disability == Disability.mild) + (disability == Disability.severe)
        pupil = (age <= allowance.student_age_limit) * person("at_school", period)
        young = age < allowance.age_limit
        poor = person.household("income_at_most_half_median", period)
        return person("is_child", period) * disabled * poor * (young + pupil)


class senior_jobs(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "SSE000000100 노인일자리 및 사회활동 지원 (본인)"
    reference = "노인복지법 제23조"

    def formula(person, period, parameters):
        return person("is_head", period) * (person("age", period) >= parameters(period).senior_jobs.min_age)


class happy_birth(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "174000000029 행복출산 원스톱서비스 (자녀마다)"
    reference = "가족관계의 등록 등에 관한 법률 제44조"

    def formula(person, period, parameters):
        window = parameters(period).happy_birth_onestop.window_months
        return person("is_child", period) * (person("age_months", period) < window)


class child_care_service(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "423000000362 아이돌봄 서비스 (자녀마다)"
    reference = "아이돌봄 지원법 제13조"

    def formula(person, period, parameters):
        service = parameters(period).child_care_service
        old_enough = person("age_months", period) >= service.min_age_months
        young_enough = person("age", period) <= service.max_age_years
        return person("is_child", period) * old_enough * young_enough


class postnatal_care(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.DAY
    label = "PTR000050390 산모·신생아 건강관리 지원 (본인)"
    reference = "모자보건법 제15조의18"

    def formula(household, period, parameters):
        care = parameters(period).postnatal_care
        month = period.first_month
        income = household("income_recognised_monthly", month)
        within = income <= household("median_income", period) * care.income_ratio
        newborn = household.any(
            household.members("age_months", period) < care.newborn_window_months, role=Household.CHILD
        )
        parent = household.members("is_head", period) + household.members("is_spouse", period)
        female = household.members("sex", period) == Sex.female
        mother = household.any(parent * female * household.members("pregnant", month))
        return within * (newborn + mother)


class single_parent_allowance(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "SSI000000020 한부모가족 아동양육비 지원 (가구원마다: 자녀·손자녀)"
    reference = "한부모가족지원법 제5조, 제5조의2, 제12조"

    def formula(person, period, parameters):
        allowance = parameters(period).single_parent_allowance
        month = period.first_month
        relation = person("relation", period)
        child = (relation == Relation.child) + (relation == Relation.grandchild)
        income = person.household("income_recognised_monthly", month)
        within = income <= person.household("median_income", period) * allowance.income_ratio
        age = person("age", period)
        studying = person("at_school", period) + (person("school", month) == School.university)
        young = age < allowance.child_age_limit
        student = (age < allowance.student_age_limit) * studying
        return child * person.household("single_parent", month) * within * (young + student)


# service id → the rule variable (its entity says whose pair it is: the head's, or each child's).
SERVICES = {
    "135200000120": "child_allowance",
    "NARA-PARENT-BENEFIT": "parent_benefit",
    "135200005015": "first_meeting_voucher",
    "SSE000000170": "basic_pension",
    "WII000001410": "livelihood_benefit",
    "999000000043": "medical_aid",
    "336000000096": "housing_benefit",
    "134200000003": "education_benefit",
    "137100000236": "culture_card",
    "149200000026": "learning_card",
    "172100000012": "telecom_discount",
    "999000000022": "jeonse_rental",
    "SBA000000100": "self_support_work",
    "SD0000016119": "disability_pension",
    "SPE000000010": "disability_allowance",
    "SPE000000020": "disabled_child_allowance",
    "SSE000000100": "senior_jobs",
    "174000000029": "happy_birth",
    "423000000362": "child_care_service",
    "PTR000050390": "postnatal_care",
    "SSI000000020": "single_parent_allowance",
}

VARIABLES = (
    age, age_months, is_child, is_head, is_spouse, at_school, has_spouse, livelihood_threshold, medical_threshold,
    housing_threshold, education_threshold, median_income, income_at_most_half_median,
    basic_pension_income_test, disability_pension_income_test,
    child_allowance, parent_benefit, first_meeting_voucher, basic_pension, livelihood_benefit, medical_aid,
    housing_benefit, education_benefit, culture_card, learning_card, telecom_discount, jeonse_rental,
    self_support_work, disability_pension, disability_allowance, disabled_child_allowance, senior_jobs,
    happy_birth, child_care_service, postnatal_care, single_parent_allowance,
)  # fmt: skip
