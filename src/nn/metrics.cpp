// CSV rows of the per-epoch metrics. %.9g keeps a float32 loss exact and the files short.

#include <gradflow/nn/metrics.hpp>

#include <cmath>
#include <cstdio>

namespace gradflow::nn {

namespace {
std::string field(double v) {
  if (std::isnan(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}
}  // namespace

std::string metrics_csv_header() {
  return "epoch,loss,train_accuracy,test_loss,test_accuracy,lr,seconds,samples_per_second";
}

std::string metrics_csv_row(const EpochMetrics& m) {
  return std::to_string(m.epoch) + "," + field(m.loss) + "," + field(m.train_accuracy) + "," +
         field(m.test_loss) + "," + field(m.test_accuracy) + "," + field(m.lr) + "," +
         field(m.seconds) + "," + field(m.samples_per_second);
}

}  // namespace gradflow::nn
