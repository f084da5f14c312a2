#include "train/train_options.hpp"

#include "output_files.hpp"
#include "train/numbers.hpp"
#include "train/plots.hpp"

#include <gradflow/core/error.hpp>

#include <filesystem>
#include <limits>
#include <string>

namespace gradflow::cli {

namespace {

// An input file is checked before the data set is read, for the same reason.
void check_input(std::string_view option, const std::string& path) {
  if (path.empty()) throw gradflow::Error(std::string(option) + ": an empty file name");
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(path, ec);
  const std::string what = std::string(option) + " " + path + ": ";
  switch (st.type()) {
    case std::filesystem::file_type::regular: return;
    case std::filesystem::file_type::not_found: throw gradflow::Error(what + "no such file");
    case std::filesystem::file_type::directory: throw gradflow::Error(what + "is a directory");
    default:
      throw gradflow::Error(what + (ec ? ec.message() : std::string("not a regular file")));
  }
}

// Writing --metrics or --plot over the --load file would destroy the model being trained on.
// (--save over it is fine: the file is read before training and replaced whole at the end.)
void check_not_the_loaded_file(std::string_view option, const std::string& path,
                               const std::string& loaded) {
  if (!path.empty() && same_file(path, loaded)) {
    throw gradflow::Error(std::string(option) + " " + path +
                          ": is the --load file; writing it would destroy the model");
  }
}

}  // namespace

TrainPlan plan_training(const TrainArgs& a) {
  TrainPlan plan;
  if (a.data.empty()) throw gradflow::Error("--data is required: spiral or fashion-mnist");
  if (a.model.empty()) throw gradflow::Error("--model is required: softmax, svm, mlp or cnn");
  plan.data = parse_data(a.data);
  plan.model = nn::parse_model(a.model);
  if (plan.data == DataSet::spiral && plan.model == nn::ModelKind::cnn) {
    throw gradflow::Error("the cnn model takes 28x28 images; on spiral choose softmax, svm or mlp");
  }

  nn::TrainConfig& c = plan.config;
  c = plan.data == DataSet::spiral ? nn::TrainConfig::spiral() : nn::TrainConfig::fashion_mnist();
  c.loss = nn::default_loss(plan.model);
  if (!a.epochs.empty())
    c.epochs = static_cast<int>(parse_whole("--epochs", a.epochs, 1, 100'000'000));
  if (!a.batch.empty()) {
    c.batch_size = static_cast<std::size_t>(parse_whole("--batch", a.batch, 1, 1'000'000'000));
  }
  if (!a.optimizer.empty()) c.optimizer = nn::parse_optimizer(a.optimizer);
  if (!a.lr.empty()) c.lr = parse_real("--lr", a.lr, Sign::positive);
  if (!a.weight_decay.empty())
    c.l2 = parse_real("--weight-decay", a.weight_decay, Sign::non_negative);
  if (!a.seed.empty()) {
    plan.seed = static_cast<std::uint32_t>(
        parse_whole("--seed", a.seed, 0, std::numeric_limits<std::uint32_t>::max()));
  }
  c.seed = plan.seed;
  if (!a.threads.empty())
    plan.threads = static_cast<int>(parse_whole("--threads", a.threads, 1, 1024));

  if (a.load) check_input("--load", *a.load);
  // Checked before training starts, so that a long run does not end in an error about a
  // directory that was never there. --save is renamed into place, so only a regular file may
  // stand at its name.
  if (!a.save.empty()) check_output_file("--save", a.save, data::WriteMode::replaced);
  if (!a.metrics.empty()) check_output_file("--metrics", a.metrics);
  // For spiral, --plot also draws the decision regions to a name derived from it.
  const std::string regions = !a.plot.empty() && plan.data == DataSet::spiral
                                  ? regions_path(a.plot).string()
                                  : std::string();
  if (!a.plot.empty()) {
    check_output_file("--plot", a.plot);
    if (std::filesystem::path(a.plot).extension() != ".png") {
      throw gradflow::Error("--plot " + a.plot + ": the file name must end in .png");
    }
    if (!regions.empty()) check_output_file("--plot (its decision regions)", regions);
  }
  check_distinct_outputs({{"--save", a.save},
                          {"--metrics", a.metrics},
                          {"--plot", a.plot},
                          {"--plot (its decision regions)", regions}});
  if (a.load) {
    check_not_the_loaded_file("--metrics", a.metrics, *a.load);
    check_not_the_loaded_file("--plot", a.plot, *a.load);
    check_not_the_loaded_file("--plot (its decision regions)", regions, *a.load);
    plan.load = *a.load;
  }
  plan.save = a.save;
  plan.metrics = a.metrics;
  plan.plot = a.plot;
  plan.json = a.json;
  return plan;
}

}  // namespace gradflow::cli
