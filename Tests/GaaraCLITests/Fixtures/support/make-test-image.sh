#!/bin/sh
# Builds gaara-test/busybox:1, a tiny image made from the host's busybox-static (no registry needed).
set -e
if docker image inspect gaara-test/busybox:1 >/dev/null 2>&1 && docker image inspect gaara-test/httpd:1 >/dev/null 2>&1; then exit 0; fi
context=$(mktemp -d)
cp "$(command -v busybox)" "$context/busybox"
cat > "$context/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN echo "made-by-gaara-tests" > /etc/gaara-image-marker && mkdir -p /tmp /www && echo "hello from the web service" > /www/index.html
ENV PATH=/usr/local/bin:/usr/bin:/bin
DOCKERFILE
docker build --network host -q -t gaara-test/busybox:1 "$context" >/dev/null
# A web service image: busybox httpd in the foreground, with a health check.
cat > "$context/Dockerfile" <<'DOCKERFILE'
FROM gaara-test/busybox:1
HEALTHCHECK --interval=1s --timeout=2s --retries=30 CMD wget -q -O- http://127.0.0.1:8080/ || exit 1
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
DOCKERFILE
docker build --network host -q -t gaara-test/httpd:1 "$context" >/dev/null
rm -rf "$context"
