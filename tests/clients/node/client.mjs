// A Node client of the catalog and evidence services, as a team using @grpc/grpc-js would write it.
// Driven by tests/clients/test_node_client.py: reads its configuration (addresses, tokens, proto dirs) as JSON
// on stdin, asserts as it goes (node:assert; a failure exits non-zero) and prints what it saw as JSON.
import assert from 'node:assert/strict';
import { createPublicKey, randomUUID, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { canonicalize, certificatePayloadJson, evidenceBodyJson, sha256Hex } from './canonical.mjs';
import { loadRichErrorTypes, richDetails } from './rich_errors.mjs';

const config = JSON.parse(readFileSync(0, 'utf8'));
const tenant = config.tenant_id;

// The options that matter (README, Node section): proto field names as written (keepCase), int64 as strings
// (longs: String: a chain_sequence beyond 2^53 stays exact), enum names (enums: String), absent fields filled
// in (defaults), and the name of the set member on each oneof (oneofs).
const definition = protoLoader.loadSync(
  ['learning/catalog/v1/catalog_service.proto', 'learning/evidence/v1/evidence_service.proto'],
  { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [config.protos_dir] },
);
const learning = grpc.loadPackageDefinition(definition).learning;
const catalog = new learning.catalog.v1.CatalogService(config.catalog_address, grpc.credentials.createInsecure());
const evidence = new learning.evidence.v1.EvidenceService(config.evidence_address, grpc.credentials.createInsecure());
const errorTypes = loadRichErrorTypes(config.google_protos_dir);

function call(client, method, request, token) {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) => {
    client[method](request, metadata, { deadline: Date.now() + 10_000 },
      (error, response) => (error ? reject(error) : resolve(response)));
  });
}

const BASE = 1_771_578_900; // 2026-02-20T09:15:00Z
const ts = (offset) => ({ seconds: String(BASE + offset), nanos: 123_456_789 }); // nanos: truncated to millis

async function publishCourse() {
  const token = config.author_token;
  // A new request_id per logical operation, reused only by a retry of that same operation.
  const { course } = await call(catalog, 'CreateCourse', { tenant_id: tenant, request_id: randomUUID(),
    title: 'Supplier risk basics (Node)', target_audience: 'buyers' }, token);
  // A field mask in the binary protocol carries proto names; JSON clients (grpcurl, buf curl) write "targetAudience".
  const updated = await call(catalog, 'UpdateCourse', { tenant_id: tenant,
    course: { course_id: course.course_id, target_audience: 'buyers and approvers' },
    update_mask: { paths: ['target_audience'] } }, token);
  assert.equal(updated.course.target_audience, 'buyers and approvers');
  const { module } = await call(catalog, 'CreateModule', { tenant_id: tenant, request_id: randomUUID(),
    course_id: course.course_id, title: 'Gifts and hospitality' }, token);
  const { lesson } = await call(catalog, 'CreateLesson', { tenant_id: tenant, request_id: randomUUID(),
    module_id: module.module_id, title: 'Why gifts matter', completion_rule: 'LESSON_COMPLETION_RULE_VIEW',
    video: { media_uri: 'https://cdn.example.com/v/gifts.mp4', duration: { seconds: 315, nanos: 0 } } }, token);
  assert.equal(lesson.content, 'video'); // oneofs: the set member's name
  const publish = { tenant_id: tenant, course_id: course.course_id, request_id: randomUUID() };
  const published = await call(catalog, 'PublishCourse', publish, token);
  const retried = await call(catalog, 'PublishCourse', publish, token); // a retry replays the first answer
  assert.equal(published.course.status, 'COURSE_STATUS_PUBLISHED');
  assert.equal(retried.published_version, published.published_version);
  return { course_id: course.course_id, status: published.course.status,
    published_version: published.published_version, target_audience: published.course.target_audience };
}

function evidenceRequest(employeeId) {
  const sessionId = randomUUID();
  const score = 0.875;
  const module = { module_index: 0, title: 'Cadeaux et hospitalité', topic_area: 'ethics', module_score: score,
    scenarios: [{ scenario_id: 's-1', narrative: 'Un fournisseur offre un cadeau — « que faites-vous ? » 🎁',
      response_type: 'RESPONSE_TYPE_FREE_TEXT', employee_answer: { free_text_response: 'Decline and report it.',
        llm_rationale: 'Correct: "decline" and "report".', score: 0.75, submit_time: ts(300) } }],
    quiz_questions: [{ question_id: 'q-1', question_text: 'Which gift may a buyer accept?',
      response_type: 'RESPONSE_TYPE_MULTIPLE_CHOICE',
      options: [{ key: 'a', text: 'A watch' }, { key: 'b', text: 'None during a tender' }],
      employee_answer: { selected_option: 'b', score: 1, submit_time: ts(600) } }],
    completed_time: ts(1200) };
  return { tenant_id: tenant, session_id: sessionId, employee_id: employeeId, evidence: {
    session: { session_id: sessionId, employee_id: employeeId, tenant_id: tenant, attempt_number: 1,
      total_attempts: 1, status: 'SESSION_STATUS_PASSED', create_time: ts(0), completed_time: ts(3600) },
    policy_attestation: { config_hash: 'c'.repeat(64), role_profile_id: 'buyer', role_profile_version: 2,
      app_version: '1.4.2', pass_threshold: 0.7, max_attempts: 3 },
    modules: [module],
    outcome: { aggregate_score: score, passed: true, pass_threshold: 0.7,
      module_scores: [{ module_index: 0, title: module.title, score }] },
  } };
}

async function recordEvidence(employeeId) {
  // Only the assessment service records evidence: the test hands this program that service's token.
  const recorded = await call(evidence, 'RecordTrainingEvidence', evidenceRequest(employeeId),
    config.assessment_token);
  const record = recorded.training_evidence;
  assert.equal(typeof record.chain_sequence, 'string'); // int64 -> string (longs: String)
  const ref = { tenant_id: tenant, evidence_id: record.evidence_id };
  const exported = await call(evidence, 'ExportTrainingEvidence', ref, config.auditor_token);
  const stored = exported.canonical_json; // a Buffer: the exact bytes the service hashed
  const fromExport = sha256Hex(stored);
  // The same bytes again two ways: re-canonicalizing the exported JSON, and building it from the proto body.
  const recanonicalized = canonicalize(JSON.parse(stored.toString('utf8')));
  const { training_evidence: got } = await call(evidence, 'GetTrainingEvidence', ref, config.auditor_token);
  const fromBody = canonicalize(evidenceBodyJson(got.evidence));
  assert.equal(recanonicalized, stored.toString('utf8'));
  assert.equal(fromBody, stored.toString('utf8'));
  assert.equal(fromExport, record.content_hash);
  assert.equal(sha256Hex(Buffer.from(fromBody, 'utf8')), record.content_hash);
  assert.equal(sha256Hex(`${record.previous_hash}${record.content_hash}`), record.chain_hash);
  return { evidence_id: record.evidence_id, chain_sequence: record.chain_sequence,
    content_hash: record.content_hash, recomputed_from_export: fromExport,
    recomputed_from_body: sha256Hex(Buffer.from(fromBody, 'utf8')), chain_hash: record.chain_hash };
}

async function verifyCertificate(courseId, version, recipientId) {
  const { certificate: c } = await call(evidence, 'IssueCertificate', { tenant_id: tenant, request_id: randomUUID(),
    recipient_id: recipientId, course: { course_id: courseId, version } }, config.progress_token);
  const { signing_keys: keys } = await call(evidence, 'GetSigningKeys', { tenant_id: tenant }, config.auditor_token);
  const key = keys.find((k) => k.key_id === c.signing_key_id);
  assert.equal(key.algorithm, 'Ed25519');
  const publicKey = createPublicKey(key.public_key_pem);
  // Ed25519 is "pure": no digest algorithm (null), the message itself is signed.
  const valid = verify(null, c.canonical_payload, publicKey, c.signature);
  const tampered = Buffer.from(c.canonical_payload);
  tampered[tampered.length - 2] ^= 1;
  const rebuilt = canonicalize(certificatePayloadJson(c));
  assert.equal(rebuilt, c.canonical_payload.toString('utf8'));
  return { certificate_id: c.certificate_id, signing_key_id: c.signing_key_id, subject: c.subject,
    signature_valid: valid, tampered_valid: verify(null, tampered, publicKey, c.signature),
    payload_rebuilt: rebuilt === c.canonical_payload.toString('utf8') };
}

async function badRequest() {
  try {
    await call(catalog, 'CreateCourse', { tenant_id: tenant, request_id: 'not-a-uuid', title: '' },
      config.author_token);
  } catch (error) {
    const rich = richDetails(error, errorTypes);
    return { code: grpc.status[error.code], details: rich.details };
  }
  throw new Error('an invalid CreateCourse succeeded');
}

try {
  const course = await publishCourse();
  const employeeId = randomUUID();
  const result = { course, evidence: await recordEvidence(employeeId),
    certificate: await verifyCertificate(course.course_id, course.published_version, employeeId),
    bad_request: await badRequest() };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  catalog.close();
  evidence.close();
}
