# Static mocksrv binary on an empty (scratch) image.
#   docker build -t mocksrv .
#   docker run --rm -p 8080:8080 mocksrv
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/mocksrv/mocksrv/sims.Version=${VERSION}" -o /mocksrv ./cmd/mocksrv

FROM scratch
COPY --from=build /mocksrv /mocksrv
# In a container, clients arrive from the bridge network, not loopback.
ENV MOCKSRV_ADDR=0.0.0.0:8080 \
    MOCKSRV_ALLOW_IPS=any
EXPOSE 8080
USER 65534:65534
ENTRYPOINT ["/mocksrv"]
CMD ["serve"]
