"""Organization learning profiles: the latest maturity result and a summary computed from progress."""

from __future__ import annotations

from learning.progress.v1 import progress_service_pb2 as svc
from services.progress import convert, store, validate
from services.progress.api.access import MATURITY_ROLES, PROFILE_ROLES
from shared.auth import ALL_TENANTS, SERVICE, authorize, current_principal
from shared.errors import PermissionDenied
from shared.pagination import TENANT, PageTokens, page_size
from shared.timeutil import utcnow
from shared.unit_of_work import UnitOfWork

PROFILE_PAGES = PageTokens("ListOrganizationLearningProfiles", key=(TENANT,))


async def record_maturity_result(api, request, context):
    authorize(request.tenant_id, MATURITY_ROLES)
    result = validate.maturity_result(request)
    async with api.work(context) as uow:
        await store.record_maturity(uow.session, request.tenant_id, result, utcnow())
        profile = await _profile(api, uow, request.tenant_id)
    return svc.RecordMaturityResultResponse(profile=profile)


async def get_organization_learning_profile(api, request, context):
    authorize(request.tenant_id, PROFILE_ROLES)
    async with api.work(context) as uow:  # the profile and its summary from one snapshot
        profile = await _profile(api, uow, request.tenant_id)
    return svc.GetOrganizationLearningProfileResponse(profile=profile)


async def list_organization_learning_profiles(api, request, context):
    principal = current_principal()
    if not principal.has_any(PROFILE_ROLES):
        raise PermissionDenied(f"requires one of the roles: {', '.join(sorted(PROFILE_ROLES))}")
    every_tenant = principal.tenant_id == ALL_TENANTS and principal.has_any({SERVICE})
    limit = page_size(request.page_size)
    scope = PROFILE_PAGES.scope(principal.tenant_id)
    after = PROFILE_PAGES.decode(request.page_token, scope)
    async with api.work(context) as uow:
        rows = await store.list_profiles(uow.session, None if every_tenant else principal.tenant_id,
                                         after[0] if after else None, limit + 1)
        summaries = await store.progress_summaries(uow.session, [row.tenant_id for row in rows[:limit]])
        profiles = [convert.organization_profile(row.tenant_id, row, summaries[row.tenant_id])
                    for row in rows[:limit]]
    token = PROFILE_PAGES.encode((rows[limit - 1].tenant_id,), scope) if len(rows) > limit else ""
    return svc.ListOrganizationLearningProfilesResponse(profiles=profiles, next_page_token=token)


async def _profile(api, uow: UnitOfWork, tenant: str):
    row = await store.get_profile(uow.session, tenant)
    summaries = await store.progress_summaries(uow.session, [tenant])
    return convert.organization_profile(tenant, row, summaries[tenant])
