"""Who lives in the household (the first screen): members with stable ids and Korean names.

The rules ask about members by id (``members.child1.birth_date``); people see "첫째 자녀".
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_CHILDREN = 6
MAX_PARENTS = 4
_ORDINALS = ("첫째", "둘째", "셋째", "넷째", "다섯째", "여섯째")


@dataclass(frozen=True)
class Composition:
    """함께 사는 가족: counts from the first screen (the person themselves always included)."""

    spouse: bool = False
    children: int = 0
    parents: int = 0

    def members(self) -> list[dict[str, str]]:
        """The situation's members, the person first (``id`` and ``relation`` only)."""
        members = [{"id": "me", "relation": "self"}]
        if self.spouse:
            members.append({"id": "spouse", "relation": "spouse"})
        members += [{"id": f"child{n}", "relation": "child"} for n in range(1, self.children + 1)]
        members += [{"id": f"parent{n}", "relation": "parent"} for n in range(1, self.parents + 1)]
        return members

    def as_dict(self) -> dict[str, int | bool]:
        return {"spouse": self.spouse, "children": self.children, "parents": self.parents}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Composition:
        children = min(max(int(str(data.get("children", 0) or 0)), 0), MAX_CHILDREN)
        parents = min(max(int(str(data.get("parents", 0) or 0)), 0), MAX_PARENTS)
        return cls(spouse=bool(data.get("spouse")), children=children, parents=parents)


def member_name(member_id: str) -> str:
    """The Korean name of a member id.

    >>> member_name("me"), member_name("child2"), member_name("parent1")
    ('본인', '둘째 자녀', '부모님(1)')
    """
    if member_id == "me":
        return "본인"
    if member_id == "spouse":
        return "배우자"
    if member_id.startswith("child") and member_id[5:].isdigit():
        return f"{_ORDINALS[int(member_id[5:]) - 1]} 자녀"
    if member_id.startswith("parent") and member_id[6:].isdigit():
        return f"부모님({member_id[6:]})"
    return member_id
