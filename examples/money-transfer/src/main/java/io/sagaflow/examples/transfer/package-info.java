/**
 * The money-transfer example saga: hold funds, reserve the credit at a flaky payee bank (retried
 * before compensating), post the transfer (the pivot). A plugin beside the order example, proving
 * the extension point holds more than one saga type.
 */
package io.sagaflow.examples.transfer;
