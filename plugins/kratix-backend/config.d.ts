import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the Kratix backend plugin. Every key is optional. */
  kratix?: {
    engine?: {
      /**
       * How `status.yaml` is merged into the status: `deep` (JSON Merge
       * Patch, the seeds' behaviour; default) or `shallow` (upstream Kratix's
       * current behaviour: top-level keys replace whole values).
       */
      statusMerge?: 'deep' | 'shallow';
      /**
       * How often configure workflows re-run. Default 10 hours. A Promise's
       * `spec.workflows.config.reconciliationInterval` (or its annotation
       * `kratix.io/reconciliation-interval`), 1m at least, overrides it for
       * the Promise and its Resources, as upstream.
       */
      reconcileInterval?: HumanDuration | string;
      /**
       * When a newer spec or a delete arrives while a workflow runs: `false`
       * (default, as upstream) lets the running pipeline end and then stops
       * the workflow; `true` cancels the running pipeline at once.
       */
      cancelOnSupersede?: boolean;
      /** Workflows running at once in this backend. Default 4. */
      concurrency?: number;
      /**
       * Largest status, in bytes (its JSON), default 1 MiB: a `status.yaml`
       * larger than this is refused, and so is one whose merge would make
       * the status larger; the pipeline fails and the status stays as it
       * was. A status is stored, sent as events and shown whole: keep this
       * well below the events bus's 5 MB limit.
       */
      statusMaxBytes?: number;
      /**
       * Largest total of the files one pipeline writes to `/kratix/output`,
       * in bytes; more fails the pipeline. Default 10 MiB.
       */
      outputMaxBytes?: number;
      /** Log kept per container of a pipeline run, in bytes. Default 1 MiB. */
      logMaxBytes?: number;
      /**
       * Parent folder of the pipelines' temporary directories, kept in
       * `<workDir>/kratix-runs/<backend pid>.<start time>/`; those of a
       * backend that is gone are removed at start. Default the OS temp dir.
       */
      workDir?: string;
      /** How often the work queue is polled for work enqueued by other replicas. Default 1 second. */
      pollInterval?: HumanDuration | string;
      /** How long a claimed object stays locked without renewal. Default 30 seconds. */
      leaseDuration?: HumanDuration | string;
      /**
       * A failed delete workflow runs again after this long, then after
       * twice as long each time it fails again. Default 10 seconds.
       */
      deleteRetryInterval?: HumanDuration | string;
      /** The longest wait between two delete attempts. Default 10 minutes. */
      deleteRetryMaxInterval?: HumanDuration | string;
      /**
       * A reconcile that failed with an error (not a failing pipeline: e.g.
       * the state store could not be written) runs again after this long,
       * then after twice as long each time it fails again; each wait is up
       * to a quarter shorter, at random. Default 5 seconds.
       */
      errorRetryInterval?: HumanDuration | string;
      /** The longest wait between two such attempts. Default 10 minutes. */
      errorRetryMaxInterval?: HumanDuration | string;
    };
    runner?: {
      /** Where pipelines run. Only `process` (local processes) for now. */
      type?: 'process';
      /** Per-container timeout. Default 10 minutes. */
      timeout?: HumanDuration | string;
      /**
       * When the backend shuts down, running workflows may go on this long;
       * then their containers are stopped, and the runs resume where they
       * were when a backend starts again. Default 10 seconds.
       */
      shutdownGracePeriod?: HumanDuration | string;
      process?: {
        /**
         * Image → command, for containers that give no `command`, e.g.
         * `create-db:v0.1.0: [sh, /opt/pipelines/create-db.sh]`.
         */
        images?: { [image: string]: string[] };
        /**
         * How containers are isolated. By default each runs in a
         * bubblewrap sandbox (`bwrap`, Debian package `bubblewrap`): as an
         * unprivileged user when the backend is root, in a minimal
         * read-only root with the run's dirs at `/kratix/...`, in its own
         * PID, IPC, UTS and network namespaces. See the README's
         * "Security model".
         */
        sandbox?: {
          /**
           * `bubblewrap` (default) or `none`: containers then run as the
           * backend's user and see all of its files. Use `none` only where
           * every Promise author is trusted with the backend's host.
           */
          type?: 'bubblewrap' | 'none';
          /** Path of `bwrap`. Default: found on PATH. */
          bwrap?: string;
          /** User id containers run as when the backend is root. Default 65534 (nobody). */
          uid?: number;
          /** Group id containers run as when the backend is root. Default 65534. */
          gid?: number;
          /**
           * Share the host's network (default false: containers only have
           * their own loopback). When true they reach what the host
           * reaches, services on its loopback included.
           */
          network?: boolean;
          /** Host paths containers may read, e.g. a folder of pipeline scripts. */
          readOnlyPaths?: string[];
          /** Host paths containers may write. */
          writablePaths?: string[];
        };
        /**
         * Secrets for `env[].valueFrom.secretKeyRef`: Secret name -> key ->
         * value, e.g. `db-creds: { password: ${DB_PASSWORD} }`. A missing
         * key that is not `optional` stops the container with a message
         * naming it. Values are never logged.
         * @visibility secret
         */
        secrets?: { [secret: string]: { [key: string]: string } };
        /** The same for `env[].valueFrom.configMapKeyRef`. */
        configMaps?: { [configMap: string]: { [key: string]: string } };
      };
    };
    /**
     * Destinations, each the folder `<stateStore.path>/<name>/`. Default one,
     * `local`, labelled `environment: dev`. A Promise's Works go to every
     * matching Destination; a Resource's to one, chosen once and kept.
     */
    destinations?: Array<{
      /** A folder name, not starting with `.`; unique. */
      name: string;
      /** Matched by `destinationSelectors` and `destination-selectors.yaml`. */
      labels?: { [key: string]: string };
      /**
       * As upstream: a Work without selectors does not come here, unless
       * this Destination has no labels either. Default false.
       */
      strictMatchLabels?: boolean;
      filepath?: {
        /**
         * How the files are laid out, as upstream: `nestedByMetadata`
         * (default; `resources/<ns>/<promise>/<name>/<pipeline>/<id>/...`,
         * `dependencies/<promise>/<pipeline>/<id>/...`), `none` (the files
         * straight into the folder, listed in `.kratix/`), or
         * `aggregatedYAML` (all Works in one YAML file).
         */
        mode?: 'nestedByMetadata' | 'aggregatedYAML' | 'none';
        /** `aggregatedYAML` only: the file. Default `aggregated.yaml`. */
        filename?: string;
      };
    }>;
    stateStore?: {
      /**
       * `filesystem` (default): the Destinations are folders of `path`.
       * `git`: of a branch of a git repository (`git`), as upstream's
       * GitStateStore; each change is a commit pushed to it.
       */
      type?: 'filesystem' | 'git';
      /**
       * Folder of the state store (for `git`: of its clone); relative paths
       * from the backend's working directory. Default `kratix-state-store`
       * in `backend.workingDirectory` when set, else in the backend's
       * working directory: one per instance.
       */
      path?: string;
      /** `type: git`: the repository, as upstream's GitStateStore spec. */
      git?: {
        /**
         * `file:///...`, `https://...` (or `http://`), `ssh://...` or
         * `user@host:path`; no password in it.
         */
        url: string;
        /** Default `main`; the first push makes it when missing. */
        branch?: string;
        /** Folder in the repository holding the Destinations. Default its root. */
        path?: string;
        /**
         * `basicAuth` (default; HTTPS, with `username` and `password`, or
         * none) or `ssh` (with `sshPrivateKey` and `knownHosts`).
         */
        authMethod?: 'basicAuth' | 'ssh';
        /** The keys of upstream's GitStateStore Secret. */
        credentials?: {
          /** basicAuth; with a token, any name the server accepts. */
          username?: string;
          /**
           * basicAuth: the password or token.
           * @visibility secret
           */
          password?: string;
          /**
           * ssh: the private key (unencrypted, PEM or OpenSSH).
           * @visibility secret
           */
          sshPrivateKey?: string;
          /** ssh: `known_hosts` lines for the server; required. */
          knownHosts?: string;
        };
        /** Author and committer of the commits. Default name `kratix`, no email. */
        gitAuthor?: { name?: string; email?: string };
      };
    };
    signals?: {
      /**
       * Include the status in the signal of every change (default false:
       * a signal says only which version changed, and clients re-read
       * through the permission-checked API). Signals are broadcast to every
       * subscriber, with no permission check: turned on, anyone who can
       * subscribe sees every Resource's status, secrets included.
       */
      includeStatus?: boolean;
    };
    /**
     * Kubernetes mode: the portal on clusters where upstream Kratix
     * reconciles. When set, the cluster is the source of truth and nothing
     * of the embedded engine (database store, runner, state store) is used.
     */
    kubernetes?: {
      /**
       * `observe` (default): upstream Kratix reconciles, this plugin watches.
       * `reconcile`: this plugin is the Kratix controller of each cluster:
       * it reconciles Promises and Resources there and runs their pipelines
       * as Pods, with a Lease, queue and run log per cluster; the embedded
       * engine's `runner.timeout`, `engine` and `stateStore` settings apply
       * (with several reconcile clusters, each writes under a folder named
       * after it in the state store). A cluster's own `mode` wins.
       */
      mode?: 'observe' | 'reconcile';
      /**
       * Reconcile mode with several replicas: a `coordination.k8s.io` Lease
       * elects the one that reconciles. Another replica takes over a leader
       * that stops renewing within about `leaseDurationSeconds` plus
       * `renewIntervalSeconds` (12 s by default), and at its next try when
       * the leader stops gracefully (it releases the Lease).
       */
      leaderElection?: {
        /** The Lease's name; default `kratix-backstage-reconciler`. */
        leaseName?: string;
        /** The Lease's namespace; default `kratix-platform-system`. */
        leaseNamespace?: string;
        /**
         * How long a Lease not renewed holds, in whole seconds (at least 3);
         * default 10.
         */
        leaseDurationSeconds?: number;
        /**
         * How often the leader renews and the others try to take over, in
         * seconds; at most a third of `leaseDurationSeconds`; default 2.
         */
        renewIntervalSeconds?: number;
      };
      /** Reconcile mode: how this plugin's controller runs the cluster's workflows. */
      reconcile?: {
        /**
         * Finished pipeline Pods kept per pipeline of a Promise or Resource
         * (upstream Kratix's `numberOfJobsToKeep`); older ones are deleted
         * as each Pod ends, and all of an object's once its delete workflow
         * has run. A whole number, at least 1; default 5.
         */
        numberOfPodsToKeep?: number;
      };
      /**
       * The clusters. With one, the REST API and the annotation
       * `kratix.io/resource-ref` are as in embedded mode.
       */
      clusters: Array<{
        /** A DNS-1123 label, e.g. `prod`. */
        name: string;
        /**
         * This cluster's mode, `observe` or `reconcile`; default
         * `kratix.kubernetes.mode`.
         */
        mode?: 'observe' | 'reconcile';
        /** A kubeconfig file (its current context). */
        kubeconfig?: string;
        /** The API server's URL, instead of a kubeconfig file. */
        url?: string;
        /**
         * A bearer token for `url`.
         * @visibility secret
         */
        serviceAccountToken?: string;
        /** The API server's CA, base64 PEM. */
        caData?: string;
        /** The API server's CA, a PEM file. */
        caFile?: string;
        /** Skip TLS verification (never in production). */
        skipTLSVerify?: boolean;
      }>;
    };
    /**
     * Files of Promise, Resource and HealthRecord documents (YAML, several
     * per file) applied when the backend starts, e.g. demo Promises.
     */
    seedFiles?: string[];
  };
}
