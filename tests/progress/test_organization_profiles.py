"""Organization learning profiles: the latest maturity result and a summary computed from progress."""

from __future__ import annotations

import uuid
from datetime import timedelta

import grpc
import pytest

from learning.progress.v1 import progress_resources_pb2 as res
from learning.progress.v1 import progress_service_pb2 as svc
from shared.timeutil import to_timestamp, utcnow
from tests.progress.conftest import completing_events
from tests.support.rpc import field_violations


def _maturity(p, level: int, days_ago: int, tenant: str | None = None):
    return p.stub.RecordMaturityResult(svc.RecordMaturityResultRequest(
        tenant_id=tenant or p.tenant, maturity_level=level, maturity_score=level / 5,
        assessment=res.SourceReference(domain="assessment", type="maturity_assessment", id=f"ma-{level}"),
        assess_time=to_timestamp(utcnow() - timedelta(days=days_ago))),
        metadata=p.tokens.metadata(tenant or p.tenant, ["service"], "assessment")).profile


def test_the_profile_keeps_the_latest_maturity_and_computes_the_progress_summary(progress, course):
    p = progress
    empty = p.stub.GetOrganizationLearningProfile(svc.GetOrganizationLearningProfileRequest(tenant_id=p.tenant),
                                                  metadata=p.service_md).profile
    assert (empty.maturity_level, empty.learning_state) == (0, res.LEARNING_STATE_NOT_STARTED)
    assert _maturity(p, 3, days_ago=2).maturity_level == 3
    assert _maturity(p, 1, days_ago=10).maturity_level == 3  # an older result changes nothing
    assert _maturity(p, 4, days_ago=1).maturity_assessment.id == "ma-4"
    learners = [str(uuid.uuid4()) for _ in range(3)]
    p.record(completing_events(learners[0], course))  # passed: completed and certified
    p.record(completing_events(learners[1], course)[:1])  # started
    profile = p.stub.GetOrganizationLearningProfile(svc.GetOrganizationLearningProfileRequest(tenant_id=p.tenant),
                                                    metadata=p.tokens.metadata(p.tenant, ["auditor"])).profile
    assert (profile.maturity_level, profile.learners_active, profile.learners_completed,
            profile.learners_certified) == (4, 2, 1, 1)
    assert profile.learning_state == res.LEARNING_STATE_ACTIVE
    with pytest.raises(grpc.RpcError) as caught:
        p.stub.GetOrganizationLearningProfile(svc.GetOrganizationLearningProfileRequest(tenant_id=p.tenant),
                                              metadata=p.learner_md)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_only_a_service_token_for_every_tenant_lists_every_organization(progress, tokens):
    p = progress
    other = f"t-{uuid.uuid4().hex[:12]}"
    _maturity(p, 2, days_ago=1)
    _maturity(p, 5, days_ago=1, tenant=other)
    own = p.stub.ListOrganizationLearningProfiles(svc.ListOrganizationLearningProfilesRequest(),
                                                  metadata=tokens.metadata(p.tenant, ["admin"])).profiles
    assert [x.tenant_id for x in own] == [p.tenant]
    seen, token = set(), ""
    platform = tokens.metadata("*", ["service"], subject="assessment")
    while True:
        page = p.stub.ListOrganizationLearningProfiles(svc.ListOrganizationLearningProfilesRequest(
            page_size=1, page_token=token), metadata=platform)
        seen |= {x.tenant_id for x in page.profiles}
        token = page.next_page_token
        if not token:
            break
    assert {p.tenant, other} <= seen


def test_bad_maturity_results_are_invalid_argument(progress):
    p = progress
    with pytest.raises(grpc.RpcError) as caught:
        p.stub.RecordMaturityResult(svc.RecordMaturityResultRequest(tenant_id=p.tenant, maturity_level=7,
                                                                    maturity_score=-1), metadata=p.service_md)
    assert {"assessment", "maturity_level", "maturity_score", "assess_time"} <= set(field_violations(caught.value))
