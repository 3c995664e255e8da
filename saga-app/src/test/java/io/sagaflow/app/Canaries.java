package io.sagaflow.app;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Canary values for every field the example schemas tag {@code pii} or {@code secret}, and where
 * each may legitimately be found. A canary is {@code CNRY<kind><n>x}: the kind says which field it
 * was seeded in, so a finding names the field that leaked.
 */
final class Canaries {
  private static final Pattern CANARY = Pattern.compile("CNRY([a-z]+)(\\d+)x");

  /** The start request as submitted and the saga's own state hold every tagged field. */
  static final Set<String> EVERY_KIND =
      Set.of(
          "mail",
          "recipient",
          "linea",
          "lineb",
          "city",
          "zip",
          "cc",
          "token",
          "src",
          "dst",
          "garbage");

  /**
   * Topics where the data must be for a saga to work, and which canary kinds each may hold: the
   * start requests and the state changelog everything; a participant's command topic only the
   * fields its command carries because the participant needs them.
   */
  static Map<String, Set<String>> allowedKinds(String stateChangelog) {
    return Map.of(
        "saga.requests",
        EVERY_KIND,
        stateChangelog,
        EVERY_KIND,
        // AuthorizePayment.paymentToken: the payment service charges the card with it
        "payment.commands",
        Set.of("token"),
        // BookShipment.shippingAddress: the carrier ships there
        "shipping.commands",
        Set.of("recipient", "linea", "lineb", "city", "zip", "cc"),
        // SendConfirmation.customerEmail: the mail goes there
        "notification.commands",
        Set.of("mail"),
        // HoldFunds.account: the payer's account service holds funds on it
        "accounts.commands",
        Set.of("src"),
        // ReserveCredit.account: the payee's bank credits it
        "payee-bank.commands",
        Set.of("dst"));
  }

  private Canaries() {}

  /** {@code CNRY<kind><n>x}. */
  static String of(String kind, int n) {
    return "CNRY" + kind + n + "x";
  }

  /** The order example's start body, a canary in each tagged field. */
  static String order(int n) {
    return "{\"orderId\":\"o-"
        + n
        + "\",\"customerId\":\"c-"
        + n
        + "\",\"customerEmail\":\""
        + of("mail", n)
        + "\",\"shippingAddress\":{\"recipient\":\""
        + of("recipient", n)
        + "\",\"line1\":\""
        + of("linea", n)
        + "\",\"line2\":\""
        + of("lineb", n)
        + "\",\"city\":\""
        + of("city", n)
        + "\",\"postalCode\":\""
        + of("zip", n)
        + "\",\"countryCode\":\""
        + of("cc", n)
        + "\"},\"lines\":[{\"sku\":\"s-1\",\"quantity\":1}],\"amount\":\"10.00\","
        + "\"currency\":\"EUR\",\"paymentToken\":\""
        + of("token", n)
        + "\"}";
  }

  /** The money-transfer example's start body, a canary in each tagged field. */
  static String transfer(int n) {
    return "{\"transferId\":\"t-"
        + n
        + "\",\"sourceAccount\":\""
        + of("src", n)
        + "\",\"destinationAccount\":\""
        + of("dst", n)
        + "\",\"amount\":\"25.00\",\"currency\":\"EUR\"}";
  }

  /** Every canary in {@code text}, by kind. */
  static List<String> kindsIn(String text) {
    List<String> kinds = new ArrayList<>();
    Matcher m = CANARY.matcher(text);
    while (m.find()) {
      kinds.add(m.group(1));
    }
    return kinds;
  }

  /** Every canary in {@code bytes}, read as Latin-1 so any byte sequence is text. */
  static List<String> kindsIn(byte[] bytes) {
    return bytes == null ? List.of() : kindsIn(new String(bytes, StandardCharsets.ISO_8859_1));
  }
}
