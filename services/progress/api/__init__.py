"""gRPC servicer of learning.progress.v1.ProgressService.

Each RPC is a module-level function of the resource module it belongs to (course_progress,
tutor_sessions, gaps_and_recommendations, organization_profiles), taking (api, request, context):
authorize -> validate -> one unit of work -> convert. The class only lists them and holds what they
share; access.py has the role sets.
"""

from __future__ import annotations

from learning.progress.v1 import progress_service_pb2_grpc
from services.progress.api import course_progress, gaps_and_recommendations, organization_profiles, tutor_sessions
from services.progress.structures import CourseStructures
from shared.unit_of_work import UnitsOfWork


class ProgressApi(progress_service_pb2_grpc.ProgressServiceServicer):
    def __init__(self, work: UnitsOfWork, structures: CourseStructures) -> None:
        self.work = work  # one transaction per RPC, with this service's outbox and idempotency keys
        self.structures = structures  # what the catalog says about versions, paths and topics (cached)

    RecordProgressEvents = course_progress.record_progress_events
    GetCourseProgress = course_progress.get_course_progress
    ListUserProgress = course_progress.list_user_progress
    GetPathProgress = course_progress.get_path_progress
    UpgradeCourseProgress = course_progress.upgrade_course_progress

    RecordTutorSession = tutor_sessions.record_tutor_session
    GetTutorSession = tutor_sessions.get_tutor_session
    ListTutorSessions = tutor_sessions.list_tutor_sessions

    RecordKnowledgeGaps = gaps_and_recommendations.record_knowledge_gaps
    ListKnowledgeGaps = gaps_and_recommendations.list_knowledge_gaps
    DismissKnowledgeGap = gaps_and_recommendations.dismiss_knowledge_gap
    CreateRecommendation = gaps_and_recommendations.create_recommendation
    DismissRecommendation = gaps_and_recommendations.dismiss_recommendation
    ListRecommendations = gaps_and_recommendations.list_recommendations

    RecordMaturityResult = organization_profiles.record_maturity_result
    GetOrganizationLearningProfile = organization_profiles.get_organization_learning_profile
    ListOrganizationLearningProfiles = organization_profiles.list_organization_learning_profiles

    async def settle_pending(self) -> int:
        """Background: settle progress that waited for the catalog (course_progress.settle_pending)."""
        return await course_progress.settle_pending(self)
