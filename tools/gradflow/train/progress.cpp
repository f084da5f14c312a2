#include "train/progress.hpp"

#include "number_text.hpp"

#include <cmath>
#include <cstdio>
#include <string>

namespace gradflow::cli {

namespace {

// Redraws more often than this flicker and cost time in the spiral's 0.1 ms steps.
constexpr std::chrono::milliseconds kRedrawInterval{100};

constexpr const char* kClearLine = "\r\x1b[K";

std::string duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, s / 60 % 60);
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lds", s);
  }
  return buf;
}

int digits(long n) { return static_cast<int>(std::to_string(n).size()); }

}  // namespace

std::string format_seconds(double seconds) {
  char buf[32];
  if (seconds >= 1.0) {
    std::snprintf(buf, sizeof buf, "%.2f s", seconds);
  } else if (seconds >= 1e-3) {
    std::snprintf(buf, sizeof buf, "%.3g ms", seconds * 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.3g us", seconds * 1e6);
  }
  return buf;
}

int epoch_stride(int epochs) {
  if (epochs <= 100) return 1;
  int stride = 10;
  while (epochs / stride > 20) stride *= 10;
  return stride;
}

ProgressPrinter::ProgressPrinter(std::ostream& out, bool live, int epochs, bool has_test)
    : out_(out), live_(live), epochs_(epochs), stride_(epoch_stride(epochs)), has_test_(has_test) {}

void ProgressPrinter::batch(const nn::Progress& p) {
  if (!live_) return;
  const auto now = std::chrono::steady_clock::now();
  if (line_open_ && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  const int w = digits(p.epochs);
  const int bw = digits(static_cast<long>(p.batches));
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "epoch %*d/%d  batch %*zu/%zu  loss %s  accuracy %.4f  %.0f samples/s  ETA %s", w,
                p.epoch, p.epochs, bw, p.batch, p.batches, number_text(p.loss, "%.4f").c_str(),
                p.accuracy, p.samples_per_second, duration(p.eta_seconds).c_str());
  out_ << kClearLine << buf << std::flush;
  line_open_ = true;
}

void ProgressPrinter::epoch(const nn::EpochMetrics& m) {
  if (m.epoch != 1 && m.epoch != epochs_ && m.epoch % stride_ != 0) return;
  char buf[256];
  int n = std::snprintf(buf, sizeof buf, "epoch %*d/%d  loss %s  train accuracy %.4f",
                        digits(epochs_), m.epoch, epochs_, number_text(m.loss, "%.4f").c_str(),
                        m.train_accuracy);
  if (has_test_) {
    n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n),
                       "  test accuracy %.4f  test loss %s", m.test_accuracy,
                       number_text(m.test_loss, "%.4f").c_str());
  }
  std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "  %s  %.0f samples/s",
                format_seconds(m.seconds).c_str(), m.samples_per_second);
  if (line_open_) out_ << kClearLine;
  out_ << buf << "\n" << std::flush;
  line_open_ = false;
}

void ProgressPrinter::finish() {
  if (line_open_) out_ << kClearLine << std::flush;
  line_open_ = false;
}

}  // namespace gradflow::cli
