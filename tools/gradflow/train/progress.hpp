#pragma once
/// @file
/// Training progress for people. On a terminal, a live line redrawn in place as batches finish
/// (epoch, batch i/n, loss, accuracy, samples/s, ETA); elsewhere (a pipe, a file), one plain line
/// per epoch. With more than 100 epochs (the spiral's 10,000 full-batch steps), only the
/// first, the last and every epoch_stride()-th epoch get a line.

#include <gradflow/nn/train.hpp>

#include <chrono>
#include <ostream>
#include <string>

namespace gradflow::cli {

/// A duration for people: "2.31 s", "12.4 ms", "97.1 us".
std::string format_seconds(double seconds);

/// 1 for up to 100 epochs, then the smallest power of ten that leaves at most 20 lines (1000 for
/// the spiral's 10,000: the case study's "iteration 1000, 2000, ...").
int epoch_stride(int epochs);

class ProgressPrinter {
 public:
  /// `live`: redraw a line in place (only for a terminal). `has_test`: epochs report a test
  /// accuracy.
  ProgressPrinter(std::ostream& out, bool live, int epochs, bool has_test);

  void batch(const nn::Progress& p);
  void epoch(const nn::EpochMetrics& m);
  /// Clears a live line that no epoch line replaced.
  void finish();

 private:
  std::ostream& out_;
  bool live_;
  int epochs_;
  int stride_;
  bool has_test_;
  bool line_open_ = false;  // a live line is on screen, without its newline
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace gradflow::cli
