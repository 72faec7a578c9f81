// The demo's `iam` Promise (examples/kratix/promises.yaml: same API), with
// pipelines that behave by the requested user: `fail-*` fails the first
// pipeline, `slow-*` sleeps; a Resource named `keep-*` fails its delete
// pipeline.
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const demoPromises = path.resolve(
  __dirname,
  '../../../../examples/kratix/promises.yaml',
);

function pipeline(name: string, script: string) {
  return {
    apiVersion: 'platform.kratix.io/v1alpha1',
    kind: 'Pipeline',
    metadata: { name },
    spec: {
      containers: [
        { name, image: `${name}:v0.1.0`, command: ['sh', '-c', script] },
      ],
    },
  };
}

const createUser = `user=$(sed -n 's/^  user: //p' /kratix/input/object.yaml)
case "$user" in
  fail-*) echo "cannot create user $user" >&2; exit 7 ;;
  slow-*) sleep 20 ;;
esac
cat > /kratix/metadata/status.yaml <<EOF
iam:
  user: $user
message: User $user created
EOF
`;

const deleteUser = `case "$KRATIX_OBJECT_NAME" in
  keep-*) echo "user is protected" >&2; exit 3 ;;
esac
echo deleted
`;

/** The test Promise, as a JSON document. */
export function testPromise() {
  const iam = parseAllDocuments(fs.readFileSync(demoPromises, 'utf8'))
    .map(d => d.toJS())
    .find(d => d?.kind === 'Promise' && d.metadata?.name === 'iam');
  if (!iam) throw new Error(`No iam Promise in ${demoPromises}`);
  return {
    apiVersion: iam.apiVersion,
    kind: iam.kind,
    metadata: { name: 'iam' },
    spec: {
      api: iam.spec.api,
      workflows: {
        resource: {
          configure: [
            pipeline('create-user', createUser),
            pipeline('populate-vault', 'echo populated'),
          ],
          delete: [pipeline('delete-user', deleteUser)],
        },
      },
    },
  };
}
