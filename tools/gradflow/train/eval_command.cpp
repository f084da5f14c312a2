// `gradflow eval --load FILE --data fashion-mnist`: the accuracy and loss of a model saved by
// `gradflow train --save` on the test split.

#include "command.hpp"
#include "control_characters.hpp"
#include "number_text.hpp"
#include "train/datasets.hpp"
#include "train/non_finite.hpp"
#include "train/numbers.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/nn/checkpoint.hpp>
#include <gradflow/nn/train.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <memory>

namespace gradflow::cli::eval_command {

namespace {

struct EvalArgs {
  std::string load;
  std::string data;
  bool json = false;
};

int bad_input(const std::string& message) {
  print_error("eval", message);
  return kExitBadInput;
}

std::string describe(const nn::ModelSpec& spec) {
  return std::string(nn::model_name(spec.kind)) + " for samples of shape " +
         data::shape_string(spec.sample_shape) + " and " + std::to_string(spec.classes) +
         " classes";
}

std::string metadata_or(const data::Metadata& m, const std::string& key, std::string fallback) {
  const auto it = m.find(key);
  return it != m.end() ? it->second : fallback;
}

int run_eval(const EvalArgs& a) {
  if (a.load.empty())
    return bad_input("--load FILE is required: a model saved by gradflow train --save");
  nn::LoadedModel loaded;
  try {
    loaded = nn::load_model(a.load);
  } catch (const gradflow::Error& e) {
    return bad_input(e.what());
  }

  // The data set and seed the model was trained with, unless --data says otherwise.
  DataSet which = DataSet::fashion_mnist;
  std::uint32_t seed = 0;
  try {
    const std::string trained_on = metadata_or(loaded.metadata, "gradflow.data", "");
    if (!a.data.empty()) {
      which = parse_data(a.data);
    } else if (!trained_on.empty()) {
      which = parse_data(trained_on);
    } else {
      return bad_input("--data is required: " + a.load + " does not say what it was trained on");
    }
    seed = static_cast<std::uint32_t>(
        parse_whole("metadata gradflow.seed", metadata_or(loaded.metadata, "gradflow.seed", "0"), 0,
                    std::numeric_limits<std::uint32_t>::max()));
  } catch (const gradflow::Error& e) {
    return bad_input(e.what());
  }

  // A model whose parameters are NaN or infinite has no accuracy worth printing.
  try {
    require_finite_parameters(loaded.model, a.load);
  } catch (const gradflow::Error& e) {
    return bad_input(e.what());
  }

  data::Dataset set;
  try {
    set = load_evaluation_data(which, seed);
    require_samples(set, which, which == DataSet::spiral ? "training" : "test");
  } catch (const gradflow::Error& e) {
    return bad_input(e.what());
  }
  const nn::ModelSpec needed{loaded.spec.kind, sample_shape(set), set.num_classes};
  if (loaded.spec.sample_shape != needed.sample_shape || loaded.spec.classes != needed.classes) {
    return bad_input(a.load + " holds the model " + describe(loaded.spec) + "; " +
                     std::string(data_name(which)) + " needs a model for samples of shape " +
                     data::shape_string(needed.sample_shape) + " and " +
                     std::to_string(needed.classes) + " classes");
  }

  const nn::Evaluation e = nn::evaluate(loaded.model, set, nn::default_loss(loaded.spec.kind));
  const std::string split = which == DataSet::spiral ? "train" : "test";
  if (a.json) {
    nlohmann::ordered_json j;
    j["file"] = a.load;
    j["model"] = std::string(nn::model_name(loaded.spec.kind));
    j["data"] = std::string(data_name(which));
    j["split"] = split;
    j["samples"] = set.size();
    j["accuracy"] = e.accuracy;
    j["loss"] = e.loss;
    std::cout << j.dump(2) << "\n";
  } else {
    char line[256];
    std::snprintf(line, sizeof line, "%s accuracy %.4f  loss %s  (%zu samples)\n", split.c_str(),
                  e.accuracy, number_text(e.loss, "%.4f").c_str(), set.size());
    std::cout << a.load << ": " << describe(loaded.spec) << ", on " << data_name(which) << "\n"
              << line;
  }
  if (!std::isfinite(e.loss)) {
    std::cerr << "gradflow eval: the loss is not finite (NaN or infinite) on " << data_name(which)
              << "\n";
    return kExitNonFinite;
  }
  return kExitOk;
}

const RegisterCommand registration{
    "eval",
    "Evaluate a model saved by `gradflow train --save` on its data set (Fashion-MNIST's test "
    "split, or the spiral's points)",
    [](CLI::App& app) -> Run {
      auto a = std::make_shared<EvalArgs>();
      app.add_option("--load", a->load, "The model file (safetensors, from gradflow train --save)")
          ->type_name("FILE");
      app.add_option("--data", a->data,
                     "fashion-mnist: its 10,000 test images; spiral: the points it was trained "
                     "on (spiral has no test split). Default: the data set the file was "
                     "trained on")
          ->type_name("fashion-mnist|spiral");
      app.add_flag("--json", a->json,
                   "Print one JSON object: file, model, data, split, samples, accuracy, loss");
      app.footer(
          "Exit status: 0 ok, 2 bad input (a missing, corrupt or truncated model file, a model "
          "of another architecture or with NaN or infinite parameters, a missing or empty data "
          "set), 3 the loss is not finite.");
      return [a] { return run_eval(*a); };
    }};

}  // namespace

}  // namespace gradflow::cli::eval_command
