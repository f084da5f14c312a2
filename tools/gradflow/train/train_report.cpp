#include "train/train_report.hpp"

#include "number_text.hpp"
#include "train/progress.hpp"

#include <gradflow/tensor/tensor_type.hpp>

#include <algorithm>

namespace gradflow::cli {

std::string describe_training(const TrainPlan& p, std::size_t samples) {
  const nn::TrainConfig& c = p.config;
  const bool full = c.batch_size == 0 || c.batch_size >= samples;
  std::string s = std::string(nn::optimizer_name(c.optimizer)) + " lr " + number_text(c.lr) + ", " +
                  (full ? std::string("full batch") : "batch " + std::to_string(c.batch_size));
  if (c.l2 > 0) s += ", weight decay " + number_text(c.l2);
  return s;
}

double median_seconds_per_epoch(const nn::TrainResult& result) {
  std::vector<double> t;
  for (const nn::EpochMetrics& m : result.epochs) t.push_back(m.seconds);
  if (t.empty()) return 0.0;
  std::sort(t.begin(), t.end());
  const std::size_t n = t.size();
  return n % 2 == 1 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

nlohmann::ordered_json to_json(const TrainReport& r) {
  const TrainPlan& p = r.plan;
  const nn::TrainConfig& c = p.config;
  nlohmann::ordered_json j;
  j["data"] = std::string(data_name(p.data));
  j["model"] = std::string(nn::model_name(p.model));
  j["optimizer"] = std::string(nn::optimizer_name(c.optimizer));
  j["lr"] = c.lr;
  if (c.batch_size == 0 || c.batch_size >= r.train_samples) {
    j["batch_size"] = nullptr;
  } else {
    j["batch_size"] = c.batch_size;
  }
  j["weight_decay"] = c.l2;
  j["seed"] = p.seed;
  j["initial_parameters"] =
      p.load.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(p.load);
  j["threads"] = get_num_threads();
  j["epochs"] = r.result.epochs.size();
  j["train_samples"] = r.train_samples;
  j["train_accuracy"] = r.train_accuracy;
  j["test_accuracy"] = r.test_accuracy ? nlohmann::ordered_json(*r.test_accuracy) : nullptr;
  j["test_loss"] = r.test_loss ? nlohmann::ordered_json(*r.test_loss) : nullptr;
  if (r.test_accuracy) {  // per epoch, and the best epoch ("reaches X within E epochs")
    nlohmann::ordered_json per_epoch = nlohmann::ordered_json::array();
    const nn::EpochMetrics* best = nullptr;
    for (const nn::EpochMetrics& m : r.result.epochs) {
      per_epoch.push_back(m.test_accuracy);
      if (best == nullptr || m.test_accuracy > best->test_accuracy) best = &m;
    }
    j["test_accuracy_per_epoch"] = per_epoch;
    j["best_test_accuracy"] = best->test_accuracy;
    j["best_epoch"] = best->epoch;
  } else {
    j["test_accuracy_per_epoch"] = nullptr;
    j["best_test_accuracy"] = nullptr;
    j["best_epoch"] = nullptr;
  }
  j["final_loss"] = r.result.epochs.empty() ? 0.0 : r.result.epochs.back().loss;
  j["seconds"] = r.seconds;
  j["seconds_per_epoch"] = median_seconds_per_epoch(r.result);
  j["samples_per_second"] =
      r.seconds > 0 ? static_cast<double>(r.train_samples * r.result.epochs.size()) / r.seconds
                    : 0.0;
  j["files"] = r.written;
  return j;
}

std::string format_text(const TrainReport& r) {
  const TrainPlan& p = r.plan;
  const std::size_t epochs = r.result.epochs.size();
  std::string s = std::string(nn::model_name(p.model)) + " on " + std::string(data_name(p.data)) +
                  " (" + describe_training(p, r.train_samples) + "): " + std::to_string(epochs) +
                  (epochs == 1 ? " epoch" : " epochs") + " in " + format_seconds(r.seconds) + " (" +
                  format_seconds(median_seconds_per_epoch(r.result)) + " per epoch)\n";
  if (!p.load.empty()) s += "started from the parameters in " + p.load + "\n";
  s += "train accuracy " + number_text(r.train_accuracy, "%.4f");
  if (r.test_accuracy) s += "  test accuracy " + number_text(*r.test_accuracy, "%.4f");
  s += "  final loss " + number_text(epochs ? r.result.epochs.back().loss : 0.0, "%.4f") + "\n";
  if (!r.written.empty()) {
    s += "wrote ";
    for (std::size_t i = 0; i < r.written.size(); ++i) s += (i ? ", " : "") + r.written[i];
    s += "\n";
  }
  return s;
}

}  // namespace gradflow::cli
