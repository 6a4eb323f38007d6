// What a Node client needs to check the services' hashes and signatures on its own: RFC 8785 (JCS) canonical
// JSON, and the contract's JSON shapes of an evidence body and a certificate payload (evidence_resources.proto),
// built from the messages @grpc/proto-loader returns (keepCase, longs: String, enums: String, defaults, oneofs).
import { createHash } from 'node:crypto';

// RFC 8785 in a few lines, because JavaScript is its reference: numbers and strings are serialized exactly as
// JSON.stringify does (ECMAScript Number::toString, lowercase \u00xx escapes), and object keys are sorted by
// UTF-16 code units, which is what Array.prototype.sort compares by default.
export function canonicalize(value) {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`not JSON: ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalize).join(',')}]`;
  const keys = Object.keys(value).filter((key) => value[key] !== undefined).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalize(value[key])}`).join(',')}}`;
}

export const sha256Hex = (data) => createHash('sha256').update(data).digest('hex');

// A google.protobuf.Timestamp as the contract writes it: "YYYY-MM-DDTHH:MM:SS.sssZ", truncated to milliseconds.
// seconds is a string (longs: String): Number() is exact for every date up to the year 9999.
export function millis(ts) {
  if (ts === null || ts === undefined) return null;
  return new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6)).toISOString();
}

const SESSION_STATUS = {
  SESSION_STATUS_PASSED: 'passed', SESSION_STATUS_EXHAUSTED: 'exhausted', SESSION_STATUS_ABANDONED: 'abandoned',
};
const RESPONSE_TYPE = { RESPONSE_TYPE_MULTIPLE_CHOICE: 'multiple-choice', RESPONSE_TYPE_FREE_TEXT: 'free-text' };

// A proto3 `optional` scalar: with defaults: true proto-loader still leaves an unset one out (it belongs to a
// synthetic oneof), so presence is `!== undefined`. "Nullable" fields are then written as null.
const nullable = (value) => (value === undefined ? null : value);

function answer(a) {
  const out = { score: a.score, submittedAt: millis(a.submit_time) };
  // "Omitted when unset": the key is left out, never null.
  if (a.selected_option !== undefined) out.selectedOption = a.selected_option;
  if (a.free_text_response !== undefined) out.freeTextResponse = a.free_text_response;
  if (a.llm_rationale !== undefined) out.llmRationale = a.llm_rationale;
  return out;
}

function item(x, idKey, id, textKey, text) {
  const out = { [idKey]: id, [textKey]: text, responseType: RESPONSE_TYPE[x.response_type],
    employeeAnswer: answer(x.employee_answer) };
  if (x.response_type === 'RESPONSE_TYPE_MULTIPLE_CHOICE') {
    out.options = x.options.map((option) => ({ key: option.key, text: option.text }));
  }
  return out;
}

// EvidenceBody -> the seed-shaped JSON value whose RFC 8785 bytes the service hashed (content_hash).
export function evidenceBodyJson(body) {
  const { session: s, policy_attestation: a, outcome: o } = body;
  return {
    session: { sessionId: s.session_id, employeeId: s.employee_id, tenantId: s.tenant_id,
      attemptNumber: s.attempt_number, totalAttempts: s.total_attempts, status: SESSION_STATUS[s.status],
      createdAt: millis(s.create_time), completedAt: millis(s.completed_time) },
    policyAttestation: { configHash: a.config_hash, roleProfileId: a.role_profile_id,
      roleProfileVersion: a.role_profile_version, appVersion: a.app_version, passThreshold: a.pass_threshold,
      maxAttempts: a.max_attempts },
    modules: body.modules.map((m) => ({
      moduleIndex: m.module_index, title: m.title, topicArea: m.topic_area, moduleScore: nullable(m.module_score),
      scenarios: m.scenarios.map((x) => item(x, 'scenarioId', x.scenario_id, 'narrative', x.narrative)),
      quizQuestions: m.quiz_questions.map((x) => item(x, 'questionId', x.question_id, 'questionText', x.question_text)),
      completedAt: millis(m.completed_time),
    })),
    outcome: { aggregateScore: nullable(o.aggregate_score), passed: nullable(o.passed),
      passThreshold: o.pass_threshold, weakAreas: o.weak_areas ? o.weak_areas.topic_areas : null,
      moduleScores: o.module_scores.map((ms) => ({ moduleIndex: ms.module_index, title: ms.title,
        score: nullable(ms.score) })) },
  };
}

// Certificate -> its signed payload (the keys the Certificate message comment lists). With oneofs: true,
// `subject` names the member that is set.
export function certificatePayloadJson(c) {
  const payload = { payloadType: 'learning.certificate', payloadVersion: 1, certificateId: c.certificate_id,
    tenantId: c.tenant_id, recipientId: c.recipient_id,
    course: c.subject === 'course' ? { courseId: c.course.course_id, version: c.course.version } : null,
    learningPath: c.subject === 'learning_path'
      ? { learningPathId: c.learning_path.learning_path_id, version: c.learning_path.version } : null,
    issueTime: millis(c.issue_time), expireTime: millis(c.expire_time), signingKeyId: c.signing_key_id };
  if (c.manual_award) payload.awardKind = 'manual';
  return payload;
}
