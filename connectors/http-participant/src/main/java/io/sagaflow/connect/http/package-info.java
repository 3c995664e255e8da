/**
 * A Kafka Connect sink connector that lets a service with an HTTP API take part in sagas: it posts
 * each command of a saga command topic to the service and writes the answer to the reply topic.
 */
package io.sagaflow.connect.http;
