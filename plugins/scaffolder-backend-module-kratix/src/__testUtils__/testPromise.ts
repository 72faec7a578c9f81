// A Promise like the demo's `iam` (same API), whose pipelines behave by the
// requested user: `fail-*` fails the first pipeline, `slow-*` sleeps; a
// Resource named `keep-*` fails its delete pipeline.
export const testPromiseYaml = `apiVersion: platform.kratix.io/v1alpha1
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
      names: { kind: IAM, plural: iams, singular: iam }
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
                    user: { type: string }
                  required: [user]
  workflows:
    resource:
      configure:
        - apiVersion: platform.kratix.io/v1alpha1
          kind: Pipeline
          metadata: { name: create-user }
          spec:
            containers:
              - name: create-user
                image: create-user:v0.1.0
                command: [sh, -c]
                args:
                  - |
                    user=$(sed -n 's/^  user: //p' /kratix/input/object.yaml)
                    case "$user" in
                      fail-*) echo "cannot create user $user" >&2; exit 7 ;;
                      slow-*) sleep 20 ;;
                    esac
                    cat > /kratix/metadata/status.yaml <<EOF
                    iam:
                      user: $user
                    message: User $user created
                    EOF
        - apiVersion: platform.kratix.io/v1alpha1
          kind: Pipeline
          metadata: { name: populate-vault }
          spec:
            containers:
              - name: populate-vault
                image: populate-vault:v0.1.0
                command: [sh, -c, 'echo populated']
      delete:
        - apiVersion: platform.kratix.io/v1alpha1
          kind: Pipeline
          metadata: { name: delete-user }
          spec:
            containers:
              - name: delete-user
                image: delete-user:v0.1.0
                command: [sh, -c]
                args:
                  - |
                    case "$KRATIX_OBJECT_NAME" in
                      keep-*) echo "user is protected" >&2; exit 3 ;;
                    esac
                    echo deleted
`;
