#!/usr/bin/env python3
"""Writes a realistic Kubernetes corpus for the throughput benchmark: N documents of mixed
kinds (Deployments, StatefulSets, CronJobs, Services, Ingresses, ConfigMaps, PVCs, HPAs),
50 to 200 lines each, some compliant and some not, several documents per file.
With --dense, a findings-dense corpus instead (a legacy application under first audit): every
document breaks 3 to 6 rules, drawn from a pool of typical faults, over mixed workload kinds
and Services, Ingresses, ConfigMaps and Secrets, five documents per file.
Deterministic (seeded), writes only below the output directory.
Usage: gen_corpus.py OUT [N] [--dense]"""
import os
import random
import sys


def container(rng, i, n):
    lines = [
        f"        - name: c{n}",
        f"          image: {rng.choice(['harbor.io/app/api', 'nginx', 'docker.io/bitnami/redis', 'quay.io/org/svc'])}:{rng.choice(['1.2.3', 'latest', '2024.1'])}",
        f"          imagePullPolicy: {rng.choice(['IfNotPresent', 'Always'])}",
        "          ports:",
        f"            - containerPort: {rng.choice([8080, 80, 9090])}",
        "          env:",
    ]
    for e in range(rng.randint(3, 12)):
        name = rng.choice(["LOG_LEVEL", "DB_HOST", "DB_PASSWORD", "API_URL", "FEATURE_X", "CACHE_TTL"])
        value = rng.choice(["info", "db.svc.cluster.local", "10.1.2.3", "s3cr3t", "true", "300"])
        lines += [f"            - name: {name}_{e}", f"              value: \"{value}\""]
    if rng.random() < 0.7:
        lines += [
            "          readinessProbe:",
            "            httpGet: {path: /health/ready, port: 8080}",
            "          livenessProbe:",
            "            httpGet: {path: /health/live, port: 8080}",
        ]
    if rng.random() < 0.8:
        lines += [
            "          resources:",
            "            requests: {cpu: 100m, memory: 128Mi}",
            "            limits: {cpu: 500m, memory: 256Mi}",
        ]
    lines += [
        "          securityContext:",
        f"            allowPrivilegeEscalation: {rng.choice(['false', 'true'])}",
        "            readOnlyRootFilesystem: true",
        "          volumeMounts:",
        "            - {name: tmp, mountPath: /tmp}",
    ]
    return lines


def workload(rng, i, kind):
    head = {
        "Deployment": ["apiVersion: apps/v1", "kind: Deployment"],
        "StatefulSet": ["apiVersion: apps/v1", "kind: StatefulSet"],
    }[kind]
    lines = head + [
        "metadata:",
        f"  name: app-{i}",
        "  namespace: bench",
        "  labels: {app: bench}",
        "spec:",
        f"  replicas: {rng.choice([1, 2, 3])}",
        "  selector:",
        f"    matchLabels: {{app: app-{i}}}",
        "  template:",
        "    metadata:",
        "      labels:",
        f"        app: app-{i}",
        f"        env: {rng.choice(['prod', 'dev', 'production'])}",
        "        tier: backend",
        "    spec:",
        "      containers:",
    ]
    for n in range(rng.randint(1, 3)):
        lines += container(rng, i, n)
    lines += ["      volumes:", "        - name: tmp", "          emptyDir: {}"]
    return lines


def simple(rng, i):
    kind = rng.choice(["Service", "ConfigMap", "Ingress", "PersistentVolumeClaim", "HorizontalPodAutoscaler"])
    if kind == "Service":
        body = ["apiVersion: v1", "kind: Service", "metadata:", f"  name: svc-{i}", "spec:",
                f"  type: {rng.choice(['ClusterIP', 'NodePort'])}", "  selector: {app: x}", "  ports:"]
        for p in range(rng.randint(10, 40)):
            body += [f"    - name: p{p}", f"      port: {8000 + p}", f"      targetPort: {8000 + p}"]
        return body
    if kind == "ConfigMap":
        body = ["apiVersion: v1", "kind: ConfigMap", "metadata:", f"  name: cm-{i}", "data:"]
        for k in range(rng.randint(40, 150)):
            body.append(f"  key_{k}: \"value {k} {rng.choice(['a', 'http://10.0.0.1', 'b'])}\"")
        return body
    if kind == "Ingress":
        body = ["apiVersion: networking.k8s.io/v1", "kind: Ingress", "metadata:", f"  name: ing-{i}", "spec:", "  rules:"]
        for h in range(rng.randint(5, 20)):
            body += [f"    - host: h{h}.example.fr", "      http:", "        paths:", "          - path: /",
                     "            pathType: Prefix", "            backend:", "              service:",
                     "                name: svc", "                port: {number: 80}"]
        return body
    if kind == "PersistentVolumeClaim":
        body = ["apiVersion: v1", "kind: PersistentVolumeClaim", "metadata:", f"  name: pvc-{i}",
                "  labels:"] + [f"    l{k}: v{k}" for k in range(45)] + [
                "spec:", "  accessModes: [ReadWriteOnce]", "  resources:", "    requests:",
                f"      storage: {rng.choice(['10Gi', '2Ti', '500Mi'])}"]
        return body
    body = ["apiVersion: autoscaling/v2", "kind: HorizontalPodAutoscaler", "metadata:", f"  name: hpa-{i}",
            "  annotations:"] + [f"    a{k}: v{k}" for k in range(45)] + [
            "spec:", "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: x}",
            "  minReplicas: 2", "  maxReplicas: 5"]
    return body


# Faults of a pod template, each a function of (rng) returning (container lines, pod lines).
def dense_container(rng, faults, n):
    tag = "latest" if "latest" in faults else rng.choice(["1.4.2", "2024.03"])
    registry = "docker.io/library" if "registry" in faults else "harbor.apps.prod.numerique-interieur.com/app"
    lines = [f"        - name: c{n}", f"          image: {registry}/svc{n}:{tag}"]
    if "env-secret" in faults:
        lines += ["          env:", "            - name: DB_PASSWORD", f"              value: \"p4ss-{rng.randint(100, 999)}\""]
    else:
        lines += ["          env:", "            - name: LOG_LEVEL", "              value: info"]
    if "no-resources" not in faults:
        lines += ["          resources:", "            requests: {cpu: 100m, memory: 128Mi}",
                  "            limits: {cpu: 500m, memory: 256Mi}"]
    if "no-probes" not in faults:
        lines += ["          readinessProbe: {httpGet: {path: /ready, port: 8080}}",
                  "          livenessProbe: {httpGet: {path: /live, port: 8080}}"]
    lines += ["          ports:", f"            - containerPort: {80 if 'port-80' in faults else 8080}"]
    sc = ["          securityContext:"]
    sc.append(f"            allowPrivilegeEscalation: {'true' if 'escalation' in faults else 'false'}")
    if "privileged" in faults:
        sc.append("            privileged: true")
    if "root" in faults:
        sc.append("            runAsUser: 0")
    else:
        sc.append("            runAsNonRoot: true")
    sc.append(f"            readOnlyRootFilesystem: {'false' if 'writable' in faults else 'true'}")
    return lines + sc


WORKLOAD_FAULTS = ["latest", "registry", "env-secret", "no-resources", "no-probes", "port-80",
                   "escalation", "privileged", "root", "writable", "host-network", "no-labels"]


def dense_workload(rng, i):
    kind = rng.choice(["Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job"])
    faults = set(rng.sample(WORKLOAD_FAULTS, rng.randint(3, 5)))
    api = "batch/v1" if kind in ("CronJob", "Job") else "apps/v1"
    labels = "  labels: {app: legacy}" if "no-labels" in faults else \
        f"  labels: {{app.kubernetes.io/name: app-{i}, app.kubernetes.io/part-of: legacy}}"
    pod = ["      hostNetwork: true"] if "host-network" in faults else []
    pod += ["      containers:"]
    for n in range(rng.randint(1, 2)):
        pod += dense_container(rng, faults, n)
    head = [f"apiVersion: {api}", f"kind: {kind}", "metadata:", f"  name: app-{i}", labels, "spec:"]
    template = ["  template:", "    metadata:", f"      labels: {{app: app-{i}}}", "    spec:"] + pod
    if kind == "CronJob":
        indent = lambda ls: ["    " + l for l in ls]
        return head + ["  schedule: \"*/5 * * * *\"", "  jobTemplate:", "    spec:"] + indent(
            ["  template:", "    spec:", "      restartPolicy: OnFailure"] + pod[:])
    if kind == "Job":
        return head + template + ["      restartPolicy: Never"]
    return head + [f"  selector: {{matchLabels: {{app: app-{i}}}}}"] + template


def dense_other(rng, i):
    kind = rng.choice(["Service", "Ingress", "ConfigMap", "Secret"])
    if kind == "Service":
        return ["apiVersion: v1", "kind: Service", "metadata:", f"  name: svc-{i}", "spec:",
                f"  type: {rng.choice(['NodePort', 'LoadBalancer'])}", "  selector: {app: x}",
                "  externalIPs: [10.0.0.5]" if rng.random() < 0.5 else "  sessionAffinity: None",
                "  ports:", "    - port: 80", "      nodePort: 30080" if rng.random() < 0.5 else "      protocol: TCP"]
    if kind == "Ingress":
        return ["apiVersion: networking.k8s.io/v1", "kind: Ingress", "metadata:", f"  name: ing-{i}",
                "spec:", "  rules:", f"    - host: app{i}.example.com", "      http:", "        paths:",
                "          - path: /", "            pathType: Prefix", "            backend:",
                "              service: {name: svc, port: {number: 80}}"]
    if kind == "ConfigMap":
        return ["apiVersion: v1", "kind: ConfigMap", "metadata:", f"  name: cm-{i}", "data:",
                f"  DB_PASSWORD: \"hunter{i}\"", "  API_URL: http://10.1.2.3:8080/api",
                f"  aws_secret_access_key: \"AKIA{i:016d}\"", "  LOG_LEVEL: debug"]
    return ["apiVersion: v1", "kind: Secret", "metadata:", f"  name: sec-{i}", "type: Opaque",
            "stringData:", f"  password: \"s3cr3t-{i}\"", f"  token: \"tok-{i}\""]


def write_corpus(out, count, seed, make, folder, stem):
    """Writes `count` documents made by make(rng, i), five per file, 100 files per folder."""
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    per_file = 5
    total_lines = 0
    for f in range(0, count, per_file):
        docs = []
        for i in range(f, min(f + per_file, count)):
            doc = make(rng, i)
            total_lines += len(doc)
            docs.append("\n".join(doc))
        d = os.path.join(out, f"{folder}{f // 500:03d}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"{stem}-{f:05d}.yaml"), "w") as fh:
            fh.write("\n---\n".join(docs) + "\n")
    return total_lines


def realistic_document(rng, i):
    if rng.random() < 0.45:
        return workload(rng, i, rng.choice(["Deployment", "StatefulSet"]))
    return simple(rng, i)


def dense_document(rng, i):
    return dense_workload(rng, i) if rng.random() < 0.7 else dense_other(rng, i)


def main():
    args = [a for a in sys.argv[1:] if a != "--dense"]
    out = args[0]
    count = int(args[1]) if len(args) > 1 else 10000
    if "--dense" in sys.argv:
        lines = write_corpus(out, count, 7, dense_document, "team", "legacy")
        print(f"{count} documents (dense), {lines} lines, in {out}")
    else:
        lines = write_corpus(out, count, 42, realistic_document, "ns", "objects")
        print(f"{count} documents, {lines} lines, in {out}")


if __name__ == "__main__":
    main()
