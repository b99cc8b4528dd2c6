"""Who may do what after the decision (decision + reason)."""

from esmsnum.funding import permissions


def test_roles(funded, users):
    assert permissions.can_declare(users.porteur, funded)
    assert not permissions.can_declare(users.member, funded)  # a grappe member reads, the porteur declares
    assert not permissions.can_declare(users.instructor, funded)
    assert permissions.can_manage_funding(users.instructor, funded)
    assert permissions.can_manage_funding(users.admin, funded)
    for user in (users.instructor_other, users.porteur, users.grades, users.national):
        decision = permissions.can_manage_funding(user, funded)
        assert not decision
        assert decision.reason
    regions = {"04", "32"}
    assert permissions.can_order_share(users.instructor, funded, "04", regions)
    assert permissions.can_order_share(users.instructor_other, funded, "32", regions)
    assert not permissions.can_order_share(users.instructor_other, funded, "04", regions)
    assert not permissions.can_order_share(users.instructor, funded, "11", regions)
    assert not permissions.can_order_share(users.national, funded, "04", regions)
    assert permissions.can_view_funding(users.member, funded)
    assert not permissions.can_view_funding(users.other, funded)
    assert not permissions.can_view_funding(users.instructor_other, funded, {"04"})
    assert permissions.can_view_funding(users.instructor_other, funded, {"04", "32"})  # a paying ARS
