/**
 * The seeded demo workload: start requests for every module's demo data, progress read from
 * saga.events, and the outcome predicted from the seed. Uses saga modules only through the module
 * SPI.
 */
package io.sagaflow.app.demo;
