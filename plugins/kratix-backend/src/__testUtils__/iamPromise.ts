// The seeds' `iam` example: two configure pipelines, shell scripts that
// write /kratix/metadata/status.yaml by absolute path.
import path from 'node:path';
import request from 'supertest';

/**
 * Installs it through the API, as YAML; its delete pipeline writes
 * `<markers>/deleted` (a folder pipelines may write: startKratix's).
 */
export async function putIamPromise(
  server: Parameters<typeof request>[0],
  markers: string,
): Promise<void> {
  await request(server)
    .put('/api/kratix/promises/iam')
    .set('Content-Type', 'application/yaml')
    .send(iamPromiseYaml({ deleteMarker: path.join(markers, 'deleted') }))
    .expect(201);
}

export function iamPromiseYaml(options: { deleteMarker: string }): string {
  return `apiVersion: platform.kratix.io/v1alpha1
kind: Promise
metadata:
  name: iam
spec:
  api:
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata:
      name: iams.example.promise.syntasso.io
    spec:
      group: example.promise.syntasso.io
      names:
        kind: IAM
        plural: iams
        singular: iam
      scope: Namespaced
      versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  properties:
                    user:
                      type: string
                  required: [user]
  workflows:
    resource:
      configure:
        - apiVersion: platform.kratix.io/v1alpha1
          kind: Pipeline
          metadata:
            name: create-user
          spec:
            containers:
              - name: create-db
                image: create-db:v0.1.0
                command: [sh, -c]
                args:
                  - |
                    user=$(sed -n 's/^  user: //p' /kratix/input/object.yaml)
                    echo "creating user $user"
                    cat > /kratix/metadata/status.yaml <<EOF
                    iam:
                      user: $user
                    message: User created, next step is to create vault secret for user
                    EOF
        - apiVersion: platform.kratix.io/v1alpha1
          kind: Pipeline
          metadata:
            name: populate-vault
          spec:
            containers:
              - name: populate-vault
                image: populate-vault:v0.1.0
                command: [sh, -c]
                args:
                  - |
                    grep -q 'user: ' /kratix/input/object.yaml || exit 7
                    echo "populating vault"
                    cat > /kratix/metadata/status.yaml <<EOF
                    message: User created and vault secret created
                    iam:
                      password: <vault-ref>
                    EOF
      delete:
        - apiVersion: platform.kratix.io/v1alpha1
          kind: Pipeline
          metadata:
            name: delete-user
          spec:
            containers:
              - name: delete-user
                image: delete-user:v0.1.0
                command: [sh, -c, 'echo deleted > "$MARKER"']
                env:
                  - name: MARKER
                    value: ${options.deleteMarker}
`;
}
