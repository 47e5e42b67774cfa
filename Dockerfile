# crossfact: the HTTP API with its embedded defaults (SQLite file, models from PyPI packages).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    CROSSFACT_DB_PATH=/data/crossfact.db \
    XDG_CACHE_HOME=/app/cache

# torch is pinned (2.13.0) and taken from the CPU wheel index, which keeps CUDA packages out.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu

WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY embeddings ./embeddings
RUN pip install --no-cache-dir --upgrade pip \
 && pip install --no-cache-dir --extra-index-url "$TORCH_INDEX_URL" .
# The encoder's ONNX graph, exported once here (embeddings/onnx.py) rather than at each
# container's first start (20 to 30 s).
RUN python -c "from embeddings.encoder import Encoder; print(type(Encoder().model).__name__)"

VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/v1/ready').status != 200)"
# Serving 0.0.0.0 needs an API key: set CROSSFACT_BOOTSTRAP_WRITE_KEY (or ..._FILE) and the first
# start creates it (docker-compose.yml does). `crossfact worker` runs the jobs of POST /v1/jobs.
CMD ["crossfact", "serve", "--host", "0.0.0.0", "--port", "8080"]
