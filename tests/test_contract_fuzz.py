"""Contract fuzzing of EVERY RPC of EVERY service: hostile input never yields INTERNAL/UNKNOWN/DATA_LOSS.

The RPCs are discovered from the service descriptors in gen/learning/*/v1/*_service_pb2.py, so
a new RPC (or a new service with a server factory below) is fuzzed without touching this module.
Requests are filled recursively from the message descriptors with hostile values: empty, huge,
unicode and NUL strings, non-UUID ids, boundary ints, NaN/inf doubles, unknown enum numbers,
random nested messages and oneof choices, out-of-range Timestamps/Durations. The caller holds a
valid token of one tenant with every privileged role; tenant_id fields mostly match it.

The product rules checked: the answer is never INTERNAL, UNKNOWN or DATA_LOSS; every
INVALID_ARGUMENT carries a BadRequest with at least one field violation; a request naming another
tenant than the token's is PERMISSION_DENIED (before validation, so nothing about it leaks).
Raw bytes that are no protobuf at all are INVALID_ARGUMENT with a field violation too.

Deeper local run: CONTRACT_FUZZ_EXAMPLES=1000; CONTRACT_FUZZ_STATS=1 with -s prints the status
codes each RPC answered (to see how far past validation the examples got).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import uuid
from collections import Counter
from collections.abc import Callable

import grpc
import pytest
from google.protobuf.descriptor import FieldDescriptor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import learning
from services.assessment.main import DEFINITION as ASSESSMENT
from services.assessment.main import Settings as AssessmentSettings
from services.assessment.main import build as build_assessment
from services.audit.main import DEFINITION as AUDIT
from services.audit.main import Settings as AuditSettings
from services.audit.main import build as build_audit
from services.catalog.main import DEFINITION as CATALOG
from services.catalog.main import Settings as CatalogSettings
from services.catalog.main import build as build_catalog
from services.evidence.main import DEFINITION as EVIDENCE
from services.evidence.main import Settings as EvidenceSettings
from services.evidence.main import build as build_evidence
from services.progress.main import DEFINITION as PROGRESS
from services.progress.main import Settings as ProgressSettings
from services.progress.main import build as build_progress
from shared.auth import ADMIN, AUDITOR, AUTHOR, SERVICE
from tests.support.rpc import field_violations
from tests.support.servers import ServerThread

FUZZ_TENANT = f"fuzz-{uuid.uuid4().hex[:10]}"
ROLES = [ADMIN, AUTHOR, AUDITOR]  # a user's most privileged token (the service role is only a service's)
# The service that calls an RPC (its own key, as its relay does); RPCs only services may call get its token even
# for FUZZ_TENANT, so their examples reach validation.
SERVICE_CALLERS = {"RecordEvents": "catalog", "RecordTrainingEvidence": "assessment", "IssueCertificate": "progress"}
SERVICE_ONLY = {"RecordEvents", "RecordTrainingEvidence"}
FORBIDDEN = {grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN, grpc.StatusCode.DATA_LOSS}
MAX_DEPTH = 4
EXAMPLES_PER_RPC = int(os.environ.get("CONTRACT_FUZZ_EXAMPLES", "25"))  # raise it for a deeper local run

# service name -> (definition, settings type, build) for the in-process servers.
SERVERS = {
    "learning.catalog.v1.CatalogService": (CATALOG, CatalogSettings, build_catalog),
    "learning.audit.v1.AuditService": (AUDIT, AuditSettings, build_audit),
    "learning.evidence.v1.EvidenceService": (EVIDENCE, EvidenceSettings, build_evidence),
    "learning.progress.v1.ProgressService": (PROGRESS, ProgressSettings, build_progress),  # after the catalog
    "learning.assessment.v1.AssessmentService": (ASSESSMENT, AssessmentSettings, build_assessment),
}
# Contracts this project defines for others to implement (an external free-text scorer), not served here.
IMPLEMENTED_ELSEWHERE = {"learning.scoring.v1.ScoringService"}


def _discover_methods():
    """Every (service descriptor, method descriptor) of every generated *_service_pb2 module."""
    found = []
    for info in pkgutil.walk_packages(learning.__path__, "learning."):
        if not info.name.endswith("_service_pb2"):
            continue
        module = importlib.import_module(info.name)
        for service in module.DESCRIPTOR.services_by_name.values():
            if service.full_name in IMPLEMENTED_ELSEWHERE:
                continue
            found.extend((service, method) for method in service.methods)
    return found


METHODS = _discover_methods()


def test_every_discovered_service_is_fuzzed():
    assert {service.full_name for service, _ in METHODS} == set(SERVERS)
    assert len(METHODS) >= 30


# ---------------------------------------------------------------------------
# Hostile values
# ---------------------------------------------------------------------------

KNOWN_IDS: list[str] = []  # ids of real rows of FUZZ_TENANT, so foreign/valid paths get exercised too

HOSTILE_TEXT = st.sampled_from([
    "", " ", "\t\n", "\x00", "a\x00b", "x" * 65, "x" * 257, "y" * 5001, "é" * 300, "💥" * 70, "\u202e\u200b",
    "\ud7ff", "'; DROP TABLE x; --", "%s %(x)s {0}", "../../etc/passwd", "null", "NaN", "-1", "0",
    "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "{6f1c1f7e-5c1e-4c57-a1a4-8b7b1d7c2f10}", "6f1c1f7e5c1e4c57a1a48b7b1d7c2f10",
    "6F1C1F7E-5C1E-4C57-A1A4-8B7B1D7C2F10", "urn:uuid:6f1c1f7e-5c1e-4c57-a1a4-8b7b1d7c2f10",
    "course.published", "catalog", "en", "https://example.com/x", "a", "a.b_c-d",
    "1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "eyJrIjpbXSwiZiI6IiJ9", "e30", "!!!notbase64",
])
ANY_TEXT = st.one_of(
    HOSTILE_TEXT,
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=10).map(lambda s: s * 120),
    st.uuids().map(str),
)


def _ids() -> st.SearchStrategy[str]:
    known = st.deferred(lambda: st.sampled_from(KNOWN_IDS) if KNOWN_IDS else st.uuids().map(str))
    return st.one_of(st.uuids().map(str), st.uuids().map(lambda u: str(u).upper()), known, HOSTILE_TEXT)


OTHER_TENANTS = ["", "other-tenant", "*", FUZZ_TENANT.upper(), FUZZ_TENANT + "\x00", FUZZ_TENANT + " ", "t" * 65,
                 "tenant/../x"]
TENANTS = st.sampled_from([FUZZ_TENANT] * len(OTHER_TENANTS) * 4 + OTHER_TENANTS)  # 80 % the caller's tenant

INT32 = st.one_of(st.sampled_from([0, 1, 2, 3, -1, 100, 101, 200, 201, 500, 501, 2**31 - 1, -(2**31)]),
                  st.integers(-(2**31), 2**31 - 1))
INT64 = st.one_of(INT32, st.sampled_from([2**63 - 1, -(2**63), 2**53, 253402300800, -62135596801]),
                  st.integers(-(2**63), 2**63 - 1))
UINT32 = st.one_of(st.sampled_from([0, 1, 2**32 - 1]), st.integers(0, 2**32 - 1))
UINT64 = st.one_of(UINT32, st.sampled_from([2**64 - 1, 2**63]), st.integers(0, 2**64 - 1))
DOUBLES = st.one_of(st.sampled_from([0.0, -0.0, 0.5, 1.0, 1.0000001, -1.0, 1e308, -1e308, 5e-324,
                                     float("nan"), float("inf"), float("-inf")]),
                    st.floats(allow_nan=True, allow_infinity=True))
FLOATS = st.one_of(st.sampled_from([0.0, 0.5, 1.0, float("nan"), float("inf"), 3.4e38]),
                   st.floats(width=32, allow_nan=True, allow_infinity=True))

# Timestamp bounds are 0001-01-01 .. 9999-12-31; go beyond them and use negative/overflowing nanos.
TIMESTAMP_SECONDS = st.one_of(
    st.sampled_from([0, 86400, -1, 1_700_000_000, 4_102_444_800, 253402300799, 253402300800, -62135596800,
                     -62135596801, 2**62, -(2**62), 2**63 - 1, -(2**63)]),
    st.integers(-62135596800, 253402300799),
)
NANOS = st.one_of(st.sampled_from([0, 1, 999_999_999, 1_000_000_000, -1, -999_999_999, 2**31 - 1, -(2**31)]),
                  st.integers(0, 999_999_999))


def _scalar(field: FieldDescriptor) -> st.SearchStrategy:
    t = field.type
    if t == FieldDescriptor.TYPE_STRING:
        name = field.name
        if name == "tenant_id":
            return TENANTS
        if name.endswith("_id") or name.endswith("_ids"):
            return _ids()
        return ANY_TEXT
    if t == FieldDescriptor.TYPE_BYTES:
        return st.one_of(st.binary(max_size=64), st.just(b"\x00" * 5000))
    if t == FieldDescriptor.TYPE_BOOL:
        return st.booleans()
    if t == FieldDescriptor.TYPE_DOUBLE:
        return DOUBLES
    if t == FieldDescriptor.TYPE_FLOAT:
        return FLOATS
    if t == FieldDescriptor.TYPE_ENUM:
        known = [v.number for v in field.enum_type.values]
        return st.one_of(st.sampled_from(known), st.sampled_from([-1, 99, 2**31 - 1, -(2**31)]))
    if t in (FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_SINT32, FieldDescriptor.TYPE_SFIXED32):
        return INT32
    if t in (FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_SINT64, FieldDescriptor.TYPE_SFIXED64):
        return INT64
    if t in (FieldDescriptor.TYPE_UINT32, FieldDescriptor.TYPE_FIXED32):
        return UINT32
    if t in (FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_FIXED64):
        return UINT64
    raise AssertionError(f"no strategy for field type {t} of {field.full_name}")


def _value_strategy(field: FieldDescriptor, depth: int) -> st.SearchStrategy:
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        return message_strategy(field.message_type, depth + 1)
    if field.name == "paths" and field.containing_type.full_name == "google.protobuf.FieldMask":
        return st.one_of(HOSTILE_TEXT, st.sampled_from(["title", "description", "objectives", "metadata",
                                                        "target_audience", "status", "course_id"]))
    return _scalar(field)


# Encoded fields numbered 999 / 5000 / 536870911 (the largest), which no message here declares.
UNKNOWN_FIELDS = [b"\xb8\x3e\x01", b"\xc2\xb8\x02\x03abc", b"\xf9\xff\xff\xff\x0f" + b"\x00" * 8]

_cache: dict[tuple[str, int], st.SearchStrategy] = {}


def message_strategy(descriptor, depth: int = 0) -> st.SearchStrategy:
    """A strategy of messages of `descriptor` with every field (maybe) filled with hostile values."""
    key = (descriptor.full_name, min(depth, MAX_DEPTH + 1))
    if key not in _cache:
        _cache[key] = _build_message_strategy(descriptor, depth)
    return _cache[key]


def _build_message_strategy(descriptor, depth: int) -> st.SearchStrategy:
    cls = _message_class(descriptor)
    if descriptor.full_name == "google.protobuf.Timestamp" or descriptor.full_name == "google.protobuf.Duration":
        return st.builds(lambda s, n: cls(seconds=s, nanos=n), TIMESTAMP_SECONDS, NANOS)
    if depth > MAX_DEPTH:
        return st.just(cls())
    in_oneof = {f.name for o in descriptor.oneofs for f in o.fields}
    plain = [f for f in descriptor.fields if f.name not in in_oneof]
    parts: dict[str, st.SearchStrategy] = {}
    # tenant_id is always set, mostly to the caller's tenant: otherwise most examples would stop at
    # PERMISSION_DENIED and never reach validation or the database.
    required = {f.name: TENANTS for f in plain if f.name == "tenant_id"}
    for field in plain:
        if field.name not in required:
            parts[field.name] = st.one_of(st.none(), _field_strategy(field, depth))
    for oneof in descriptor.oneofs:
        choices = [st.tuples(st.just(f.name), _field_strategy(f, depth)) for f in oneof.fields]
        parts["__oneof__" + oneof.name] = st.one_of(st.none(), *choices)
    parts["__unknown__"] = st.sampled_from(UNKNOWN_FIELDS)  # fields of a newer (or hostile) client's contract
    return st.fixed_dictionaries(required, optional=parts).map(lambda values: _assemble(cls, descriptor, values))


def _field_strategy(field: FieldDescriptor, depth: int) -> st.SearchStrategy:
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        key_field, value_field = field.message_type.fields_by_name["key"], field.message_type.fields_by_name["value"]
        return st.dictionaries(_value_strategy(key_field, depth), _value_strategy(value_field, depth), max_size=4)
    if _repeated(field):
        return st.lists(_value_strategy(field, depth), max_size=4 if depth < 2 else 2)
    return _value_strategy(field, depth)


def _assemble(cls, descriptor, values: dict):
    message = cls()
    for name, value in values.items():
        if value is None:
            continue
        if name == "__unknown__":
            message.MergeFromString(value)
            continue
        if name.startswith("__oneof__"):
            name, value = value
        _set(message, descriptor.fields_by_name[name], value)
    return message


def _set(message, field: FieldDescriptor, value) -> None:
    target = getattr(message, field.name) if _repeated(field) else None
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        value_is_message = field.message_type.fields_by_name["value"].message_type is not None
        for k, v in value.items():
            if value_is_message:
                target[k].CopyFrom(v)
            else:
                target[k] = v
    elif _repeated(field):
        if field.message_type is not None:
            for item in value:
                target.add().CopyFrom(item)
        else:
            target.extend(value)
    elif field.message_type is not None:
        getattr(message, field.name).CopyFrom(value)
    else:
        setattr(message, field.name, value)


def _repeated(field: FieldDescriptor) -> bool:
    # protobuf 6 dropped FieldDescriptor.label in favour of is_repeated.
    repeated = getattr(field, "is_repeated", None)
    return repeated if repeated is not None else field.label == FieldDescriptor.LABEL_REPEATED


def _message_class(descriptor):
    from google.protobuf import message_factory

    return message_factory.GetMessageClass(descriptor)


# ---------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fuzz_channels(provision_service, tokens):
    """One in-process server per service (own session databases), and a channel to each."""
    channels, threads, hosts = {}, [], {}
    try:
        for name, (definition, settings_type, build) in SERVERS.items():
            db = provision_service(definition.name, definition.migrations, definition.append_only_tables)
            addresses = {f"{key.split('.')[1]}_address": address for key, address in hosts.items()}
            settings = settings_type(database_url=db.runtime_url, migration_database_url=db.owner_url,
                                     listen_address="127.0.0.1:0", migrate_on_start=False,
                                     outbox_relay_enabled=False, **tokens.settings_env(definition.name), **addresses)
            thread = ServerThread(lambda b=build, s=settings: b(s))
            host = thread.__enter__()
            threads.append(thread)
            hosts[name] = host.address
            channels[name] = grpc.insecure_channel(host.address)
        _seed_known_ids(channels, tokens)
        yield channels
    finally:
        for channel in channels.values():
            channel.close()
        for thread in reversed(threads):
            thread.__exit__(None, None, None)


def _seed_known_ids(channels, tokens) -> None:
    """A real course and module of FUZZ_TENANT, so generated ids sometimes hit existing rows."""
    from learning.catalog.v1 import catalog_service_pb2 as csvc
    from learning.catalog.v1 import catalog_service_pb2_grpc as cgrpc

    stub = cgrpc.CatalogServiceStub(channels["learning.catalog.v1.CatalogService"])
    md = tokens.metadata(FUZZ_TENANT, ROLES, subject=str(uuid.uuid4()))
    course = stub.CreateCourse(csvc.CreateCourseRequest(tenant_id=FUZZ_TENANT, title="Fuzz"), metadata=md).course
    module = stub.CreateModule(csvc.CreateModuleRequest(tenant_id=FUZZ_TENANT, course_id=course.course_id,
                                                        title="M"), metadata=md).module
    KNOWN_IDS[:] = [course.course_id, module.module_id]


def _caller_md(tokens, method_name: str):
    """FUZZ_TENANT's most privileged caller of an RPC: its service for RPCs only a service may call, else a user
    with every user role."""
    if method_name in SERVICE_ONLY:
        return tokens.metadata(FUZZ_TENANT, [SERVICE], subject=SERVICE_CALLERS[method_name])
    return tokens.metadata(FUZZ_TENANT, ROLES, subject=str(uuid.uuid4()))


def _callable(channel: grpc.Channel, service, method) -> Callable:
    request_cls = _message_class(method.input_type)
    response_cls = _message_class(method.output_type)
    path = f"/{service.full_name}/{method.name}"
    if method.server_streaming:
        return channel.unary_stream(path, request_serializer=request_cls.SerializeToString,
                                    response_deserializer=response_cls.FromString)
    return channel.unary_unary(path, request_serializer=request_cls.SerializeToString,
                               response_deserializer=response_cls.FromString)


def _call(rpc: Callable, request, metadata, streaming: bool) -> None:
    result = rpc(request, metadata=metadata, timeout=20)
    if streaming:
        list(result)


def _foreign_tenant(request) -> bool:
    """Whether the request names a tenant other than the caller's (in its top-level tenant_id)."""
    return "tenant_id" in request.DESCRIPTOR.fields_by_name and request.tenant_id != FUZZ_TENANT


def _check_success(request) -> None:
    assert not _foreign_tenant(request), f"another tenant's request succeeded:\n{request}"


def _check(error: grpc.RpcError, request, *, tenant_bound: bool = True) -> None:
    code = error.code()
    assert code not in FORBIDDEN, f"{code.name}: {error.details()!r} for request:\n{request}"
    if tenant_bound and _foreign_tenant(request):  # refused before any validation or lookup, whatever else is wrong
        assert code == grpc.StatusCode.PERMISSION_DENIED, f"{code.name} for another tenant:\n{request}"
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        assert field_violations(error), f"INVALID_ARGUMENT without field violations: {error.details()!r}\n{request}"


# ---------------------------------------------------------------------------
# The properties
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(("service", "method"), METHODS, ids=[f"{s.name}.{m.name}" for s, m in METHODS])
def test_hostile_requests_never_fail_internally(fuzz_channels, tokens, service, method):
    rpc = _callable(fuzz_channels[service.full_name], service, method)
    tenant_md = _caller_md(tokens, method.name)
    # A service token valid for every tenant: tenant_id then reaches validation whatever it holds.
    all_tenants_md = tokens.metadata("*", [SERVICE], subject=SERVICE_CALLERS.get(method.name, "assessment"))

    @settings(max_examples=EXAMPLES_PER_RPC, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(request=message_strategy(method.input_type), all_tenants=st.integers(0, 4).map(lambda n: n == 0))
    def run(request, all_tenants):
        try:
            _call(rpc, request, all_tenants_md if all_tenants else tenant_md, method.server_streaming)
            if not all_tenants:
                _check_success(request)
            outcomes["OK"] += 1
        except grpc.RpcError as error:
            outcomes[error.code().name] += 1
            _check(error, request, tenant_bound=not all_tenants)

    outcomes: Counter[str] = Counter()
    run()
    if os.environ.get("CONTRACT_FUZZ_STATS"):  # how deep the examples got: run with -s to see
        print(f"\n{service.name}.{method.name}: {dict(outcomes)}")


def _parses(descriptor, data: bytes) -> bool:
    try:
        _message_class(descriptor).FromString(data)
        return True
    except Exception:  # noqa: BLE001 - DecodeError or whatever the parser raises
        return False


GARBAGE = [b"\xff\xff\xff\xff", b"\x0a\xff\xff\xff\xff\x0f", b"\x0a\x05ab", b"\x12\x02\xc3\x28",
           b"\x08" + b"\xff" * 11, b"\x07"]


@pytest.mark.parametrize(("service", "method"), [
    (s, m) for s, m in METHODS if m.name in ("CreateCourse", "GetCourse", "RecordEvents", "ListAuditEvents",
                                             "RecordTrainingEvidence", "GetCertificate")
], ids=lambda x: getattr(x, "name", str(x)))
def test_garbage_bytes_are_invalid_argument(fuzz_channels, tokens, service, method):
    path = f"/{service.full_name}/{method.name}"
    rpc = fuzz_channels[service.full_name].unary_unary(path, request_serializer=lambda b: b,
                                                       response_deserializer=lambda b: b)
    metadata = _caller_md(tokens, method.name)
    unparsable = [garbage for garbage in GARBAGE if not _parses(method.input_type, garbage)]
    assert len(unparsable) >= 3
    for garbage in unparsable:
        with pytest.raises(grpc.RpcError) as caught:
            rpc(garbage, metadata=metadata, timeout=10)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, (garbage, caught.value.details())
        assert field_violations(caught.value)


# ---------------------------------------------------------------------------
# Mutations of valid requests: purely random requests rarely pass validation, so these start from a
# valid request and replace one to three of its fields (at any depth) with hostile values, which
# reaches the domain rules, the store and PostgreSQL with almost-valid input.
# ---------------------------------------------------------------------------

def _catalog_seeds(ids: dict) -> dict[str, Callable]:
    from learning.catalog.v1 import catalog_resources_pb2 as res
    from learning.catalog.v1 import catalog_service_pb2 as csvc
    from learning.common.v1 import common_pb2
    from tests.catalog.conftest import exercise_request, interactive_content, quiz_request, video_content

    t, rid = FUZZ_TENANT, lambda: str(uuid.uuid4())
    return {
        "CreateCourse": lambda: csvc.CreateCourseRequest(
            tenant_id=t, request_id=rid(), title="Supplier risk", description="d", objectives=["a", "b"],
            target_audience="buyers", metadata={"level": "1", "owner": "x"}),
        "UpdateCourse": lambda: csvc.UpdateCourseRequest(
            tenant_id=t, course=res.Course(course_id=ids["course"], title="New", description="d",
                                           objectives=["o"], metadata={"k": "v"}, target_audience="all"),
            update_mask={"paths": ["title", "description", "objectives", "metadata", "target_audience"]}),
        "CreateModule": lambda: csvc.CreateModuleRequest(tenant_id=t, request_id=rid(), course_id=ids["course"],
                                                         title="M", description="d", topic_area="supplier risk"),
        "CreateLesson": lambda: csvc.CreateLessonRequest(tenant_id=t, request_id=rid(), module_id=ids["module"],
                                                         title="L", objective="o", video=video_content()),
        "CreateLesson#interactive": lambda: csvc.CreateLessonRequest(
            tenant_id=t, request_id=rid(), module_id=ids["module"], title="L", interactive=interactive_content()),
        "CreateQuiz": lambda: quiz_request(t, ids["module"], request_id=rid()),
        "CreatePracticalExercise": lambda: exercise_request(t, ids["module"], request_id=rid()),
        "GetCourseVersion": lambda: csvc.GetCourseVersionRequest(tenant_id=t, course_id=ids["course"], version=1),
        "ListCourseVersions": lambda: csvc.ListCourseVersionsRequest(tenant_id=t, course_id=ids["course"]),
        "CreateLearningPath": lambda: csvc.CreateLearningPathRequest(
            tenant_id=t, request_id=rid(), title="P", goal="g", audience="a", owner_id=rid(),
            steps=[res.LearningPathStep(course=common_pb2.CourseVersionRef(course_id=ids["course"], version=1),
                                        required=True)]),
    }


def _audit_seeds(ids: dict) -> dict[str, Callable]:
    from learning.audit.v1 import audit_service_pb2 as apb
    from learning.common.v1 import common_pb2
    from tests.audit.conftest import make_event

    t = FUZZ_TENANT
    return {
        "RecordEvents": lambda: apb.RecordEventsRequest(events=[make_event(t), make_event(t, payload={"a": [1, "x"]})]),
        "ListAuditEvents": lambda: apb.ListAuditEventsRequest(
            tenant_id=t, page_size=2, actor_id="user-42", action="course.published", subject_type="course",
            subject_id="s", source_service="catalog",
            occur_time_range=common_pb2.TimeRange(start_time={"seconds": 1}, end_time={"seconds": 4_000_000_000})),
        "VerifyAuditLog": lambda: apb.VerifyAuditLogRequest(tenant_id=t, from_sequence=1, to_sequence=3),
        "VerifyAuditLog#full": lambda: apb.VerifyAuditLogRequest(tenant_id=t, from_sequence=2, full_content_check=True),
        "ListAuditEvents#after": lambda: apb.ListAuditEventsRequest(tenant_id=t, page_size=2, after_sequence=1,
                                                                    action="course.published"),
        "GetAuditCheckpoint": lambda: apb.GetAuditCheckpointRequest(tenant_id=t, sequence=1),
        "ListAuditCheckpoints": lambda: apb.ListAuditCheckpointsRequest(tenant_id=t, after_sequence=1, page_size=2),
        "GetAuditCheckpointKeys": lambda: apb.GetAuditCheckpointKeysRequest(tenant_id=t),
        "ExportAuditRecords": lambda: apb.ExportAuditRecordsRequest(
            tenant_id=t, from_sequence=1, to_sequence=3,
            record_time_range=common_pb2.TimeRange(start_time={"seconds": 1}, end_time={"seconds": 4_000_000_000})),
    }


def _evidence_seeds(ids: dict) -> dict[str, Callable]:
    from learning.common.v1 import common_pb2
    from learning.evidence.v1 import evidence_service_pb2 as epb
    from tests.evidence import builders

    t, rid = FUZZ_TENANT, lambda: str(uuid.uuid4())
    return {
        "RecordTrainingEvidence": lambda: builders.request(t, modules=2, questions=3),
        "IssueCertificate": lambda: epb.IssueCertificateRequest(
            tenant_id=t, request_id=rid(), recipient_id=rid(),
            course=common_pb2.CourseVersionRef(course_id=rid(), version=1),
            issue_time=builders.ts(0), expire_time=builders.ts(10**8)),
        "ListTrainingEvidence": lambda: epb.ListTrainingEvidenceRequest(
            tenant_id=t, page_size=2, employee_id=rid(), statuses=[1],
            generate_time_range=common_pb2.TimeRange(start_time={"seconds": 1}, end_time={"seconds": 4_000_000_000})),
        "ListCertificates": lambda: epb.ListCertificatesRequest(tenant_id=t, page_size=2, recipient_id=rid()),
        "RevokeCertificate": lambda: epb.RevokeCertificateRequest(tenant_id=t, request_id=rid(),
                                                                  certificate_id=ids["certificate"], reason="r"),
        "ExpireDueCertificates": lambda: epb.ExpireDueCertificatesRequest(tenant_id=t, as_of=builders.ts(0)),
        "VerifyCertificate": lambda: epb.VerifyCertificateRequest(tenant_id=t, certificate_id=ids["certificate"]),
        "VerifyEvidenceChain": lambda: epb.VerifyEvidenceChainRequest(tenant_id=t, from_sequence=1, to_sequence=3,
                                                                      full_content_check=True),
        "GetEvidenceCheckpoint": lambda: epb.GetEvidenceCheckpointRequest(tenant_id=t, sequence=1),
        "ListEvidenceCheckpoints": lambda: epb.ListEvidenceCheckpointsRequest(tenant_id=t, after_sequence=1,
                                                                              page_size=2),
        "GetEvidenceCheckpointKeys": lambda: epb.GetEvidenceCheckpointKeysRequest(tenant_id=t),
        "ExportEvidenceRecords": lambda: epb.ExportEvidenceRecordsRequest(
            tenant_id=t, from_sequence=1, to_sequence=3,
            generate_time_range=common_pb2.TimeRange(start_time={"seconds": 1}, end_time={"seconds": 4_000_000_000})),
    }


def _progress_seeds(ids: dict) -> dict[str, Callable]:
    from learning.common.v1 import common_pb2
    from learning.progress.v1 import progress_resources_pb2 as pres
    from learning.progress.v1 import progress_service_pb2 as psvc
    from tests.evidence import builders

    t, rid = FUZZ_TENANT, lambda: str(uuid.uuid4())
    course = lambda: common_pb2.CourseVersionRef(course_id=ids["course"], version=1)  # noqa: E731
    source = lambda: pres.SourceReference(domain="assessment", type="quiz_attempt", id=rid())  # noqa: E731
    return {
        "RecordProgressEvents": lambda: psvc.RecordProgressEventsRequest(tenant_id=t, events=[
            pres.ProgressEvent(event_id=rid(), user_id=rid(), course=course(), item_kind=pres.ITEM_KIND_LESSON,
                               item_id=rid(), kind=pres.EVENT_KIND_VIEWED, occur_time=builders.ts(0),
                               learning_path=common_pb2.LearningPathVersionRef(learning_path_id=rid(), version=1)),
            pres.ProgressEvent(event_id=rid(), user_id=rid(), course=course(), item_kind=pres.ITEM_KIND_QUIZ,
                               item_id=rid(), kind=pres.EVENT_KIND_QUIZ_PASSED, score=0.5, occur_time=builders.ts(1)),
            pres.ProgressEvent(event_id=rid(), user_id=rid(), course=course(), item_kind=pres.ITEM_KIND_SCENARIO_STEP,
                               item_id=rid(), step_id="s1", kind=pres.EVENT_KIND_COMPLETED, occur_time=builders.ts(2))]),
        "GetCourseProgress": lambda: psvc.GetCourseProgressRequest(tenant_id=t, user_id=rid(), course=course()),
        "GetPathProgress": lambda: psvc.GetPathProgressRequest(
            tenant_id=t, user_id=rid(), learning_path=common_pb2.LearningPathVersionRef(learning_path_id=rid(),
                                                                                         version=1)),
        "ListUserProgress": lambda: psvc.ListUserProgressRequest(tenant_id=t, user_id=rid(), course_id=ids["course"],
                                                                 state=pres.PROGRESS_STATE_PASSED, page_size=3),
        "UpgradeCourseProgress": lambda: psvc.UpgradeCourseProgressRequest(
            tenant_id=t, user_id=rid(), course_id=ids["course"], from_version=1, to_version=2),
        "RecordTutorSession": lambda: psvc.RecordTutorSessionRequest(tenant_id=t, tutor_session=pres.TutorSession(
            tutor_session_id=rid(), user_id=rid(), course=course(), lesson_id=rid(), model_id="m",
            start_time=builders.ts(0), end_time=builders.ts(60), prompt_ref="p://1", response_ref="r://1",
            confidence=0.5, guardrail_result=pres.GUARDRAIL_RESULT_FLAGGED, guardrail_categories=["a.b"],
            summary="s")),
        "GetTutorSession": lambda: psvc.GetTutorSessionRequest(tenant_id=t, tutor_session_id=rid()),
        "RecordMaturityResult": lambda: psvc.RecordMaturityResultRequest(
            tenant_id=t, assessment=source(), maturity_level=3, maturity_score=0.6, assess_time=builders.ts(0)),
        "GetOrganizationLearningProfile": lambda: psvc.GetOrganizationLearningProfileRequest(tenant_id=t),
        "ListOrganizationLearningProfiles": lambda: psvc.ListOrganizationLearningProfilesRequest(page_size=2),
        "RecordKnowledgeGaps": lambda: psvc.RecordKnowledgeGapsRequest(tenant_id=t, gaps=[
            pres.KnowledgeGap(user_id=rid(), topic_area="Supplier risk", severity=pres.GAP_SEVERITY_HIGH,
                              source=source(), evidence=[source()]),
            pres.KnowledgeGap(topic_area="Ethics", severity=pres.GAP_SEVERITY_LOW, source=source())]),
        "ListKnowledgeGaps": lambda: psvc.ListKnowledgeGapsRequest(
            tenant_id=t, user_id=rid(), status=pres.GAP_STATUS_OPEN, severity=pres.GAP_SEVERITY_LOW, source=source(),
            page_size=2),
        "DismissKnowledgeGap": lambda: psvc.DismissKnowledgeGapRequest(tenant_id=t, gap_id=rid(), reason="r"),
        "CreateRecommendation": lambda: psvc.CreateRecommendationRequest(
            tenant_id=t, request_id=rid(), recommendation=pres.Recommendation(
                user_id=rid(), course_id=ids["course"], priority=pres.RECOMMENDATION_PRIORITY_LOW, reason="r",
                source=source())),
        "DismissRecommendation": lambda: psvc.DismissRecommendationRequest(tenant_id=t, recommendation_id=rid(),
                                                                           reason="r"),
        "ListRecommendations": lambda: psvc.ListRecommendationsRequest(
            tenant_id=t, user_id=rid(), status=pres.RECOMMENDATION_STATUS_OPEN,
            priority=pres.RECOMMENDATION_PRIORITY_HIGH, source=source(), page_size=2),
        "ListTutorSessions": lambda: psvc.ListTutorSessionsRequest(
            tenant_id=t, user_id=rid(), lesson_id=rid(), guardrail_result=pres.GUARDRAIL_RESULT_BLOCKED, page_size=2,
            start_time_range=common_pb2.TimeRange(start_time={"seconds": 1}, end_time={"seconds": 4_000_000_000})),
    }


def _assessment_seeds(ids: dict) -> dict[str, Callable]:
    from learning.assessment.v1 import assessment_resources_pb2 as ares
    from learning.assessment.v1 import assessment_service_pb2 as asvc
    from learning.common.v1 import common_pb2

    t, rid = FUZZ_TENANT, lambda: str(uuid.uuid4())
    course = lambda: common_pb2.CourseVersionRef(course_id=ids.get("published_course", rid()), version=1)  # noqa: E731
    session, rubric = ids.get("session", ""), ids.get("rubric", "")
    policy = ares.TrainingPolicy(pass_threshold=0.8, max_attempts=2, role_profile_id="buyer", role_profile_version=1,
                                 app_version="1.0.0")
    content = ares.MaturityRubric(
        title="Procurement maturity", description="d", gap_threshold=0.5,
        dimensions=[ares.MaturityDimension(dimension_key="sourcing", title="Sourcing", topic_area="sourcing",
                                           weight=1, questions=[ares.MaturityQuestion(question_key="q1", text="Q",
                                                                                      weight=1)])],
        level_thresholds=[ares.MaturityLevelThreshold(level=1, min_score=0),
                          ares.MaturityLevelThreshold(level=2, min_score=0.5)])
    window = common_pb2.TimeRange(start_time={"seconds": 1}, end_time={"seconds": 4_000_000_000})
    return {
        "StartTrainingSession": lambda: asvc.StartTrainingSessionRequest(
            tenant_id=t, request_id=rid(), employee_id=rid(), course=course(), policy=policy),
        "GetTrainingSession": lambda: asvc.GetTrainingSessionRequest(tenant_id=t, session_id=session or rid()),
        "ListTrainingSessions": lambda: asvc.ListTrainingSessionsRequest(
            tenant_id=t, employee_id=rid(), course=course(), status=ares.TRAINING_SESSION_STATUS_PASSED,
            create_time=window, page_size=2),
        "SubmitTrainingAnswer": lambda: asvc.SubmitTrainingAnswerRequest(
            tenant_id=t, session_id=session or rid(), item_id=ids.get("item", "x"), selected_option="a"),
        "EvaluateTrainingSession": lambda: asvc.EvaluateTrainingSessionRequest(tenant_id=t, session_id=session or rid(),
                                                                                attempt_number=1),
        "AbandonTrainingSession": lambda: asvc.AbandonTrainingSessionRequest(tenant_id=t, session_id=rid(), reason="r"),
        "StartQuizAttempt": lambda: asvc.StartQuizAttemptRequest(tenant_id=t, request_id=rid(), user_id=rid(),
                                                                 course=course(), quiz_id=ids.get("quiz", rid())),
        "AnswerQuizQuestion": lambda: asvc.AnswerQuizQuestionRequest(tenant_id=t, attempt_id=rid(), question_id=rid(),
                                                                     selected_options=["a"]),
        "SubmitQuizAttempt": lambda: asvc.SubmitQuizAttemptRequest(tenant_id=t, attempt_id=rid()),
        "GetQuizAttempt": lambda: asvc.GetQuizAttemptRequest(tenant_id=t, attempt_id=rid()),
        "ListQuizAttempts": lambda: asvc.ListQuizAttemptsRequest(
            tenant_id=t, user_id=rid(), course=course(), quiz_id=rid(), status=ares.QUIZ_ATTEMPT_STATUS_PASSED,
            start_time=window, page_size=2),
        "SubmitExercise": lambda: asvc.SubmitExerciseRequest(
            tenant_id=t, request_id=rid(), user_id=rid(), course=course(), exercise_id=ids.get("exercise", rid()),
            text="My work", attachments=[ares.EvidenceAttachment(uri="https://files.example.com/a.pdf",
                                                                 media_type="application/pdf", sha256="0" * 64)]),
        "ReviewSubmission": lambda: asvc.ReviewSubmissionRequest(
            tenant_id=t, request_id=rid(), submission_id=rid(), feedback="f",
            criterion_scores=[ares.CriterionScore(criterion="Scope", score=0.5)],
            decision=ares.REVIEW_DECISION_CHANGES_REQUESTED),
        "GetExerciseSubmission": lambda: asvc.GetExerciseSubmissionRequest(tenant_id=t, submission_id=rid()),
        "ListExerciseSubmissions": lambda: asvc.ListExerciseSubmissionsRequest(
            tenant_id=t, user_id=rid(), course=course(), exercise_id=rid(), status=ares.SUBMISSION_STATUS_APPROVED,
            submit_time=window, page_size=2),
        "CreateMaturityRubric": lambda: asvc.CreateMaturityRubricRequest(tenant_id=t, request_id=rid(),
                                                                         rubric=content),
        "UpdateMaturityRubric": lambda: asvc.UpdateMaturityRubricRequest(tenant_id=t, rubric_id=rubric or rid(),
                                                                         version=1, rubric=content),
        "PublishMaturityRubric": lambda: asvc.PublishMaturityRubricRequest(tenant_id=t, rubric_id=rid(), version=1),
        "GetMaturityRubric": lambda: asvc.GetMaturityRubricRequest(tenant_id=t, rubric_id=rubric or rid()),
        "ListMaturityRubrics": lambda: asvc.ListMaturityRubricsRequest(
            tenant_id=t, rubric_id=rid(), state=ares.MATURITY_RUBRIC_STATE_PUBLISHED, page_size=2),
        "SubmitMaturityAssessment": lambda: asvc.SubmitMaturityAssessmentRequest(
            tenant_id=t, request_id=rid(), rubric_id=rubric or rid(), rubric_version=1,
            responses=[ares.MaturityResponse(question_key="q1", rating=3, note="n")]),
        "GetMaturityAssessment": lambda: asvc.GetMaturityAssessmentRequest(tenant_id=t, assessment_id=rid()),
        "ListMaturityAssessments": lambda: asvc.ListMaturityAssessmentsRequest(
            tenant_id=t, rubric_id=rid(), maturity_level=2, submit_time=window, page_size=2),
    }


def _slots(message, parent=()):
    """Every (path to a message, field) of `message`: the places a mutation can replace a value."""
    found = []
    for field in message.DESCRIPTOR.fields:
        found.append((parent, field))
        is_map = field.message_type is not None and field.message_type.GetOptions().map_entry
        if field.message_type is None or is_map or field.message_type.full_name.startswith("google.protobuf."):
            continue
        if _repeated(field):
            for i, item in enumerate(list(getattr(message, field.name))[:3]):
                found.extend(_slots(item, parent + ((field.name, i),)))
        elif message.HasField(field.name):
            found.extend(_slots(getattr(message, field.name), parent + ((field.name, None),)))
    return found


def _mutate(message, slot, value) -> None:
    parent, field = slot
    for name, index in parent:
        message = getattr(message, name) if index is None else getattr(message, name)[index]
    if _repeated(field) or field.message_type is not None:
        message.ClearField(field.name)
    _set(message, field, value)


@pytest.fixture(scope="module")
def seeds(fuzz_channels, tokens) -> dict[tuple[str, str], Callable]:
    """(service, rpc) -> factory of a valid request (fresh ids each call), on rows made for this test."""
    from learning.catalog.v1 import catalog_service_pb2 as csvc
    from learning.catalog.v1 import catalog_service_pb2_grpc as cgrpc
    from learning.common.v1 import common_pb2
    from learning.evidence.v1 import evidence_service_pb2 as epb
    from learning.evidence.v1 import evidence_service_pb2_grpc as egrpc

    md = tokens.metadata(FUZZ_TENANT, ROLES, subject=str(uuid.uuid4()))
    catalog = cgrpc.CatalogServiceStub(fuzz_channels["learning.catalog.v1.CatalogService"])
    course = catalog.CreateCourse(csvc.CreateCourseRequest(tenant_id=FUZZ_TENANT, title="Seed"), metadata=md).course
    module = catalog.CreateModule(csvc.CreateModuleRequest(tenant_id=FUZZ_TENANT, course_id=course.course_id,
                                                           title="M"), metadata=md).module
    evidence = egrpc.EvidenceServiceStub(fuzz_channels["learning.evidence.v1.EvidenceService"])
    certificate = evidence.IssueCertificate(epb.IssueCertificateRequest(
        tenant_id=FUZZ_TENANT, request_id=str(uuid.uuid4()), recipient_id=str(uuid.uuid4()),
        course=common_pb2.CourseVersionRef(course_id=course.course_id, version=1)), metadata=md).certificate
    ids = {"course": course.course_id, "module": module.module_id, "certificate": certificate.certificate_id,
           **_assessment_ids(fuzz_channels, tokens)}
    return {(service, rpc): factory for service, make in SEED_FACTORIES.items()
            for rpc, factory in make(ids).items()}


def _assessment_ids(fuzz_channels, tokens) -> dict[str, str]:
    """A published course, an open session and a published rubric of FUZZ_TENANT, so mutations reach deep."""
    from learning.assessment.v1 import assessment_service_pb2 as asvc
    from learning.assessment.v1 import assessment_service_pb2_grpc as agrpc
    from learning.catalog.v1 import catalog_service_pb2_grpc as cgrpc
    from tests.assessment.conftest import Assessment, publish_course
    from tests.catalog.conftest import Catalog

    catalog = Catalog(cgrpc.CatalogServiceStub(fuzz_channels["learning.catalog.v1.CatalogService"]), tokens,
                      FUZZ_TENANT)
    course = publish_course(catalog)
    stub = agrpc.AssessmentServiceStub(fuzz_channels["learning.assessment.v1.AssessmentService"])
    people = Assessment(stub, tokens, FUZZ_TENANT)
    session = stub.StartTrainingSession(asvc.StartTrainingSessionRequest(
        tenant_id=FUZZ_TENANT, employee_id=people.learner, course=course.ref, policy=people.policy()),
        metadata=people.admin_md).session
    seeds = _assessment_seeds({})
    rubric = stub.CreateMaturityRubric(seeds["CreateMaturityRubric"](), metadata=people.admin_md).rubric
    stub.PublishMaturityRubric(asvc.PublishMaturityRubricRequest(tenant_id=FUZZ_TENANT, rubric_id=rubric.rubric_id,
                                                                 version=1), metadata=people.admin_md)
    return {"published_course": course.course_id, "session": session.session_id, "item": course.single_choice[0],
            "quiz": course.quiz_ids[0], "exercise": course.exercise_id, "rubric": rubric.rubric_id}


SEED_FACTORIES = {"learning.catalog.v1.CatalogService": _catalog_seeds, "learning.audit.v1.AuditService": _audit_seeds,
                  "learning.evidence.v1.EvidenceService": _evidence_seeds,
                  "learning.progress.v1.ProgressService": _progress_seeds,
                  "learning.assessment.v1.AssessmentService": _assessment_seeds}
# RPCs with a valid seed request (the factories are only listed here, not called).
SEEDED = [(s, m) for s, m in METHODS
          if m.name in {rpc.split("#")[0] for rpc in SEED_FACTORIES[s.full_name]({})}]


@pytest.mark.parametrize(("service", "method"), SEEDED, ids=[f"{s.name}.{m.name}" for s, m in SEEDED])
def test_mutated_valid_requests_never_fail_internally(fuzz_channels, seeds, tokens, service, method):
    factories = [f for (name, rpc), f in seeds.items() if name == service.full_name
                 and rpc.split("#")[0] == method.name]
    rpc = _callable(fuzz_channels[service.full_name], service, method)
    metadata = _caller_md(tokens, method.name)
    seed = factories[0]()
    try:  # the seed itself is valid: it must not be rejected as bad input
        _call(rpc, seed, metadata, method.server_streaming)
    except grpc.RpcError as error:
        assert error.code() != grpc.StatusCode.INVALID_ARGUMENT, (field_violations(error), seed)
        _check(error, seed)

    @settings(max_examples=EXAMPLES_PER_RPC, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(data=st.data())
    def run(data):
        request = data.draw(st.sampled_from(factories))()
        for _ in range(data.draw(st.integers(1, 3))):
            slot = data.draw(st.sampled_from(_slots(request)))
            _mutate(request, slot, data.draw(_field_strategy(slot[1], 2)))
        try:
            _call(rpc, request, metadata, method.server_streaming)
            _check_success(request)
            outcomes["OK"] += 1
        except grpc.RpcError as error:
            outcomes[error.code().name] += 1
            _check(error, request)

    outcomes: Counter[str] = Counter()
    run()
    if os.environ.get("CONTRACT_FUZZ_STATS"):
        print(f"\n{service.name}.{method.name} (mutated): {dict(outcomes)}")
