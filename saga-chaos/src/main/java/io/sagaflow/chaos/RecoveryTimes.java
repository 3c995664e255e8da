package io.sagaflow.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How long the system took to work again after each fault of one kind. */
final class RecoveryTimes {
  private final List<Duration> recovered = new ArrayList<>();
  private int unrecovered;

  void recovered(Duration took) {
    recovered.add(took);
  }

  /** A fault after which no new work was seen within the bound. */
  void unrecovered() {
    unrecovered++;
  }

  int unrecoveredCount() {
    return unrecovered;
  }

  /** "min 2.1 s | median 3.4 s | max 6.0 s (5 measured)", or that none was. */
  String summary() {
    if (recovered.isEmpty()) {
      return "none measured" + unrecoveredNote();
    }
    List<Duration> sorted = recovered.stream().sorted().toList();
    int n = sorted.size();
    Duration median =
        n % 2 == 1 ? sorted.get(n / 2) : sorted.get(n / 2 - 1).plus(sorted.get(n / 2)).dividedBy(2);
    return String.format(
        Locale.ROOT,
        "min %s | median %s | max %s (%d measured)%s",
        seconds(sorted.get(0)),
        seconds(median),
        seconds(sorted.get(n - 1)),
        n,
        unrecoveredNote());
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private String unrecoveredNote() {
    return unrecovered == 0 ? "" : ", " + unrecovered + " NOT recovered within the bound";
  }
}
