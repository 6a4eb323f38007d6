// google.rpc rich error details from a grpc-js error: the `grpc-status-details-bin` trailer holds a serialized
// google.rpc.Status whose `details` are Any messages (ErrorInfo always; BadRequest, PreconditionFailure,
// ResourceInfo by status code).
//
// The google/rpc protos do not come with @grpc/grpc-js or @grpc/proto-loader. This test loads them from the
// googleapis-common-protos Python package, which the services themselves build their details with (same
// definitions, nothing vendored to drift); the test passes that directory in. A Node project copies
// google/rpc/status.proto and google/rpc/error_details.proto from googleapis instead (README, Node section).
// protobufjs (proto-loader's own parser) decodes: proto-loader makes service clients, not message codecs.
import path from 'node:path';
import protobuf from 'protobufjs';

const OBJECT_OPTIONS = { longs: String, enums: String, defaults: true, oneofs: true };

export function loadRichErrorTypes(googleProtosDir) {
  const root = new protobuf.Root();
  // google/protobuf/{any,duration}.proto resolve to protobufjs' built-in copies; the rest from the given dir.
  root.resolvePath = (_origin, target) => path.join(googleProtosDir, target);
  root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });
  return root;
}

// -> { code, message, details: [{ type: 'google.rpc.ErrorInfo', ...fields }, ...] }, or null without details.
export function richDetails(error, root) {
  const [raw] = error.metadata ? error.metadata.get('grpc-status-details-bin') : [];
  if (!raw) return null;
  const Status = root.lookupType('google.rpc.Status');
  const status = Status.toObject(Status.decode(raw), OBJECT_OPTIONS);
  const details = status.details.map((any) => {
    const typeName = any.type_url.slice(any.type_url.lastIndexOf('/') + 1); // type.googleapis.com/<full name>
    const Type = root.lookupType(typeName);
    return { type: typeName, ...Type.toObject(Type.decode(any.value), OBJECT_OPTIONS) };
  });
  return { code: status.code, message: status.message, details };
}
