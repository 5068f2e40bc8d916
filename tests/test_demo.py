import pytest
from django.core.management import call_command

from senco.accounts.models import Membership, User
from senco.demo import builder
from senco.pupils.models import Pupil
from tests import targets

pytestmark = pytest.mark.django_db


def names() -> list[tuple[str, str, str]]:
    return list(
        Pupil.objects.order_by("upn").values_list("upn", "legal_first_name", "legal_last_name")
    )


def test_the_same_seed_builds_the_same_school():
    options = builder.Options(pupils=30, years=1, seed=3, password="x" * 12)
    builder.build(options)
    first = names()
    builder.build(options)
    assert names() == first
    builder.build(builder.Options(pupils=30, years=1, seed=4, password="x" * 12))
    assert names() != first


def test_the_demo_follows_the_national_proportions():
    builder.build(builder.Options(pupils=2000, years=1, seed=5, password="x" * 12))
    on_roll = Pupil.objects.filter(left_on__isnull=True)
    total = on_roll.count()
    ehcp = on_roll.filter(sen_provision="E")
    support = on_roll.filter(sen_provision="K")
    assert 0.04 < ehcp.count() / total < 0.08
    assert 0.12 < support.count() / total < 0.18
    assert 0.6 < ehcp.filter(sex="M").count() / ehcp.count() < 0.82
    assert 0.5 < support.filter(sex="M").count() / support.count() < 0.72
    assert 0.2 < ehcp.filter(primary_need="ASD").count() / ehcp.count() < 0.45
    assert on_roll.filter(sen_provision__in=["K", "E"], primary_need="").count() == 0


def test_the_personas_have_their_relationships():
    parent = User.objects.get(username="parent")
    children = targets.visible("parent", targets.home_school())
    assert sorted(children.values_list("sen_provision", flat=True)) == ["E", "K"]
    assert parent.is_demo
    taught = targets.visible("teacher", targets.home_school())
    assert taught.filter(sen_provision__in=["K", "E"]).count() >= 3
    assert Membership.objects.filter(user__username="trustlead", trust__isnull=False).exists()


def test_make_run_leaves_an_existing_database_alone(capsys):
    before = names()
    call_command("demo", if_empty=True)
    assert "left as it is" in capsys.readouterr().out
    assert names() == before


def test_the_demo_command_refuses_impossible_sizes():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--pupils must be between"):
        call_command("demo", pupils=0)
