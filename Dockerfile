# Static mocksrv binary on an empty (scratch) image.
#   docker build -t mocksrv .          # --build-arg VERSION=v1.2.3 --build-arg REVISION=$(git rev-parse HEAD)
#   docker run --rm -p 8080:8080 mocksrv
#   docker run --rm -p 8080:8080 -v mocksrv-data:/data -e MOCKSRV_STATE=/data/state.json mocksrv
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/mocksrv/mocksrv/sims.Version=${VERSION}" -o /mocksrv ./cmd/mocksrv
# A directory the unprivileged user can write --state into (a named volume
# mounted there starts with this ownership).
RUN mkdir -p /out/data

FROM scratch
ARG VERSION=dev
ARG REVISION=""
LABEL org.opencontainers.image.title="mocksrv" \
      org.opencontainers.image.description="Local, stateful sandboxes of bkj, KeySecure, UQPay and DeCard at their real paths, with a contract-test harness" \
      org.opencontainers.image.source="https://github.com/mocksrv/mocksrv" \
      org.opencontainers.image.url="https://github.com/mocksrv/mocksrv" \
      org.opencontainers.image.documentation="https://github.com/mocksrv/mocksrv#docker" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
COPY --from=build /mocksrv /mocksrv
# CA roots, so webhooks reach https:// receivers. Zone data is embedded in
# the binary (time/tzdata) for the KeySecure Timezone header.
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build --chown=65534:65534 /out/data /data
# In a container, clients arrive from the bridge network, not loopback.
ENV MOCKSRV_ADDR=0.0.0.0:8080 \
    MOCKSRV_ALLOW_IPS=any
EXPOSE 8080
# The binary is its own probe (no curl in scratch): "mocksrv health" asks
# GET /_mocksrv/health on MOCKSRV_ADDR, its 0.0.0.0 reached on loopback, so
# it follows an address changed with -e MOCKSRV_ADDR. Open even with an
# admin token.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["/mocksrv", "health"]
USER 65534:65534
ENTRYPOINT ["/mocksrv"]
CMD ["serve"]
