# syntax=docker/dockerfile:1
# cct-lint container image.
#   docker build -t cct-lint:0.1.0 .                 # runtime image (distroless, no shell)
#   docker build --target ci -t cct-lint:0.1.0-ci .  # same binary plus busybox sh, for CI runners
#   docker run --rm -v "$PWD:/src:ro" cct-lint:0.1.0 check .
# The builder uses the toolchain the project is tested with; Debian 12 (bookworm) on both sides
# so the binary links against the glibc of the runtime image.

ARG RUST_VERSION=1.95.0

FROM rust:${RUST_VERSION}-slim-bookworm AS builder
WORKDIR /build
# Only what the build reads: the crate, and the rules, rule fixtures and catalogue that
# build.rs embeds in the binary.
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY rules ./rules
COPY catalog ./catalog
COPY fixtures/rules ./fixtures/rules
RUN cargo build --release --locked --bin cct-lint \
 && install -m 0755 target/release/cct-lint /usr/local/bin/cct-lint

# For GitLab CI and other runners that need a shell in the job image: distroless `debug`
# variant (busybox at /busybox/sh), still non-root. Build it with `--target ci`.
FROM gcr.io/distroless/cc-debian12:debug-nonroot AS ci
COPY --from=builder /usr/local/bin/cct-lint /usr/local/bin/cct-lint
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/cct-lint"]

# Runtime image (the default target): no shell, no package manager, non-root user 65532.
FROM gcr.io/distroless/cc-debian12:nonroot AS runtime
LABEL org.opencontainers.image.title="cct-lint" \
      org.opencontainers.image.description="Checks Dockerfiles, Helm charts and Kubernetes manifests against the CCT Cloud Pi Native" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"
COPY --from=builder /usr/local/bin/cct-lint /usr/local/bin/cct-lint
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/cct-lint"]
CMD ["check", "."]
