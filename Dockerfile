# The Sagaflow runtime image. Build the jars first (`mvn -B package -DskipTests`), then from the
# project root: `docker build -t sagaflow:0.1.0 .`. k8s/ runs it as user 10001 with a read-only
# root file system: state goes to the volume at SAGA_DATA_DIR, RocksDB's native library to /tmp.
FROM eclipse-temurin:17-jre

RUN groupadd --system --gid 10001 sagaflow \
 && useradd --system --uid 10001 --gid sagaflow --no-create-home --shell /usr/sbin/nologin sagaflow \
 && mkdir -p /var/lib/sagaflow \
 && chown 10001:10001 /var/lib/sagaflow

COPY saga-app/target/sagaflow.jar /opt/sagaflow/sagaflow.jar
# The examples' plugins, loaded only where SAGA_PLUGIN_PATH names them (the preview overlay). Your
# own sagas: build FROM this image and copy your plugin jars into a directory of your own.
COPY saga-app/target/example-plugins/ /opt/sagaflow/plugins/

USER 10001:10001
ENV SAGA_MODE=external \
    SAGA_DATA_DIR=/var/lib/sagaflow \
    SAGA_HTTP_PORT=8080
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/sagaflow/sagaflow.jar"]
CMD ["run"]
