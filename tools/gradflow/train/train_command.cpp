// `gradflow train --data D --model M [...]`: trains one of the reference models, printing
// progress, and writes the model, the per-epoch metrics and the plots asked for.

#include "command.hpp"
#include "control_characters.hpp"
#include "train/datasets.hpp"
#include "train/gnuplot.hpp"
#include "train/non_finite.hpp"
#include "train/plots.hpp"
#include "train/progress.hpp"
#include "train/train_options.hpp"
#include "train/train_report.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/nn/checkpoint.hpp>
#include <gradflow/nn/metrics.hpp>
#include <gradflow/nn/serialize.hpp>
#include <gradflow/nn/train.hpp>
#include <gradflow/tensor/random.hpp>
#include <gradflow/tensor/tensor_type.hpp>

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

namespace gradflow::cli::train_command {

namespace {

int bad_input(const std::string& message) {
  print_error("train", message);
  return kExitBadInput;
}

int failure(const std::string& message) {
  print_error("train", message);
  return kExitFailure;
}

// Where progress goes: stdout for text output (live on a terminal, plain lines otherwise); with
// --json, stdout holds only the JSON, so progress goes to stderr when that is a terminal, and
// nowhere otherwise.
std::optional<ProgressPrinter> progress_printer(bool json, int epochs, bool has_test) {
  std::optional<ProgressPrinter> printer;
  if (!json) {
    printer.emplace(std::cout, ::isatty(1) == 1, epochs, has_test);
  } else if (::isatty(2) == 1) {
    printer.emplace(std::cerr, true, epochs, has_test);
  }
  return printer;
}

// --load: the file's tensors into the model (nn::load_state_dict checks every name, dtype and
// shape before changing anything); NaN or infinite values are refused, as eval refuses them. A
// file saved by gradflow names its model in the metadata, and that is compared with --model
// before any tensor: "holds the mlp model; --model is cnn" says more than the first tensor that
// differs, and tensors alone cannot tell softmax from svm. Returns the fault, or "" when the
// model holds the file's values.
std::string load_parameters(nn::Sequential& model, const TrainPlan& plan) {
  try {
    const data::SafetensorsFile file = data::load_safetensors(plan.load);
    const auto saved = file.metadata.find("gradflow.model");
    const std::string_view wanted = nn::model_name(plan.model);
    if (saved != file.metadata.end() && saved->second != wanted) {
      return plan.load + " holds the " + saved->second + " model; --model is " +
             std::string(wanted);
    }
    nn::load_state_dict(model, file.tensors, plan.load);
    require_finite_parameters(model, plan.load);
  } catch (const gradflow::Error& e) {
    return e.what();
  }
  return "";
}

int run_train(const TrainArgs& args) {
  TrainPlan plan;
  try {
    plan = plan_training(args);
  } catch (const gradflow::Error& e) {
    return bad_input(e.what());
  }
  if (!plan.plot.empty() && !gnuplot_available()) return failure(gnuplot_missing_message());
  if (plan.threads) set_num_threads(*plan.threads);

  TrainingData data;
  try {
    data = load_training_data(plan.data, plan.seed);
    // Checked here, before any output is opened, so that the run fails as bad input and leaves
    // an existing --metrics file as it was (nn::train would say so only after the CSV is open).
    require_samples(data.train, plan.data, "training");
    if (data.test) require_samples(*data.test, plan.data, "test");
  } catch (const gradflow::Error& e) {
    return bad_input(e.what());
  }
  const data::Dataset* test = data.test ? &*data.test : nullptr;
  const nn::ModelSpec spec{plan.model, sample_shape(data.train), data.train.num_classes};
  Generator gen(plan.seed);
  nn::Sequential model = nn::make_model(spec.kind, spec.sample_shape, spec.classes, gen);
  if (!plan.load.empty()) {
    if (const std::string fault = load_parameters(model, plan); !fault.empty()) {
      return bad_input(fault);
    }
  } else if (plan.model == nn::ModelKind::mlp && data.spiral_init) {
    // The case study's own initial weights, so that a run reproduces torch_reference.py's.
    nn::load_spiral_init(model, *data.spiral_init);
  }

  // Written as each epoch ends, so that an interrupted run keeps the rows it has.
  std::ofstream csv;
  if (!plan.metrics.empty()) {
    errno = 0;
    csv.open(plan.metrics, std::ios::binary);
    csv << nn::metrics_csv_header() << "\n" << std::flush;
    if (!csv) return failure("cannot write " + plan.metrics + ": " + std::strerror(errno));
  }

  std::optional<ProgressPrinter> printer =
      progress_printer(plan.json, plan.config.epochs, test != nullptr);
  const auto on_batch = [&](const nn::Progress& p) {
    if (printer) printer->batch(p);
  };
  const auto on_epoch = [&](const nn::EpochMetrics& m) {
    if (csv.is_open()) {
      csv << nn::metrics_csv_row(m) << "\n" << std::flush;
      if (!csv) throw gradflow::Error("cannot write " + plan.metrics);
    }
    if (printer) printer->epoch(m);
  };

  TrainReport report;
  report.plan = plan;
  report.train_samples = data.train.size();
  const auto start = std::chrono::steady_clock::now();
  // A diverged run stops at the epoch whose loss is not finite; it is reported below.
  report.result = nn::train(model, data.train, test, plan.config, on_batch, on_epoch);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (printer) printer->finish();

  report.train_accuracy = nn::evaluate(model, data.train, plan.config.loss).accuracy;
  if (test != nullptr) {  // train() evaluated the final model after the last epoch
    report.test_accuracy = report.result.epochs.back().test_accuracy;
    report.test_loss = report.result.epochs.back().test_loss;
  }

  // A diverged run is a failure, as a non-finite result of `grad` is: exit status 3, and
  // nothing that would pass for a model is written (over an older one, perhaps). The metrics
  // CSV stays, since its rows show where the loss went.
  // nn::train stops after the first epoch whose loss is not finite, so only the last can be.
  const std::vector<nn::EpochMetrics>& epochs = report.result.epochs;
  const std::optional<int> diverged =
      !epochs.empty() && !std::isfinite(epochs.back().loss)
          ? std::optional<int>(epochs.back().epoch)
          : std::nullopt;
  const std::optional<std::string> bad_parameter =
      diverged ? std::nullopt : first_non_finite_parameter(model);
  if (diverged || bad_parameter) {
    if (csv.is_open()) report.written.push_back(plan.metrics);
    if (plan.json) {
      std::cout << to_json(report).dump(2) << "\n";
    } else {
      std::cout << format_text(report);
    }
    std::string message =
        diverged ? "the training loss stopped being finite (NaN or infinite) at epoch " +
                       std::to_string(*diverged) + "; try a smaller --lr"
                 : "the trained parameter " + *bad_parameter +
                       " is not finite (NaN or infinite); try a smaller --lr";
    if (!plan.save.empty() || !plan.plot.empty()) message += "; nothing was saved or plotted";
    std::cerr << "gradflow train: " << message << "\n";
    return kExitNonFinite;
  }

  if (!plan.save.empty()) {
    nn::save_model(model, spec, plan.save,
                   {{"gradflow.data", std::string(data_name(plan.data))},
                    {"gradflow.seed", std::to_string(plan.seed)}});
    report.written.push_back(plan.save);
  }
  if (csv.is_open()) report.written.push_back(plan.metrics);
  if (!plan.plot.empty()) {
    const std::string what =
        std::string(nn::model_name(plan.model)) + " on " + std::string(data_name(plan.data));
    plot_curves(report.result.epochs, test != nullptr,
                what + " (" + describe_training(plan, data.train.size()) + ")", plan.plot);
    report.written.push_back(plan.plot);
    if (plan.data == DataSet::spiral) {
      char accuracy[32];
      std::snprintf(accuracy, sizeof accuracy, "%.2f", report.train_accuracy);
      const std::string regions = regions_path(plan.plot).string();
      plot_decision_regions(model, data.train,
                            "Decision regions of " + what + " (training accuracy " + accuracy + ")",
                            regions);
      report.written.push_back(regions);
    }
  }

  if (plan.json) {
    std::cout << to_json(report).dump(2) << "\n";
  } else {
    std::cout << format_text(report);
  }
  return kExitOk;
}

const RegisterCommand registration{
    "train", "Train a classifier (softmax, svm, mlp, cnn) on spiral or Fashion-MNIST",
    [](CLI::App& app) -> Run {
      auto a = std::make_shared<TrainArgs>();
      app.add_option("--data", a->data, "The data set: spiral or fashion-mnist (required)")
          ->type_name("spiral|fashion-mnist");
      app.add_option("--model", a->model,
                     "The model (required): softmax or svm (linear classifiers), mlp (2-100-3 on "
                     "spiral, 784-256-128-10 on fashion-mnist), cnn (fashion-mnist only)")
          ->type_name("softmax|svm|mlp|cnn");
      app.add_option("--epochs", a->epochs,
                     "Passes over the training set (spiral: 10000, one full-batch step each; "
                     "fashion-mnist: 10)")
          ->type_name("N");
      app.add_option("--batch", a->batch,
                     "Samples per step (spiral: the whole set; fashion-mnist: 64)")
          ->type_name("B");
      app.add_option("--lr", a->lr, "Learning rate (spiral: 1.0; fashion-mnist: 0.001)")
          ->type_name("LR");
      app.add_option("--optimizer", a->optimizer, "sgd or adam (spiral: sgd; fashion-mnist: adam)")
          ->type_name("sgd|adam");
      app.add_option("--weight-decay", a->weight_decay,
                     "L2 regularisation strength: adds 0.5*WD*sum(w^2) over the weights to the "
                     "loss, as the case study's reg (spiral: 0.001; fashion-mnist: 0)")
          ->type_name("WD");
      app.add_option("--seed", a->seed,
                     "Seed of the spiral points, the initial weights and the shuffling (0)")
          ->type_name("S");
      app.add_option("--threads", a->threads,
                     "Threads for the tensor kernels and BLAS (default: OMP_NUM_THREADS, or all "
                     "cores)")
          ->type_name("T");
      app.add_option("--load", a->load,
                     "Start from the parameters in FILE (safetensors: a model saved with --save, "
                     "or a float32 PyTorch state_dict of the same nn.Sequential) instead of the "
                     "initial weights; every parameter's name, dtype and shape must match. "
                     "--seed still sets the spiral points and the batch order")
          ->type_name("FILE");
      app.add_option("--save", a->save,
                     "Save the trained model as safetensors (written to a temporary file, then "
                     "renamed: never half-written); `gradflow eval --load FILE` reads it")
          ->type_name("FILE");
      app.add_option("--metrics", a->metrics,
                     "Write per-epoch metrics as CSV, a row as each epoch ends: " +
                         nn::metrics_csv_header())
          ->type_name("FILE.csv");
      app.add_option("--plot", a->plot,
                     "Draw the loss and accuracy curves to FILE.png and, for spiral, the "
                     "decision regions over the data points to FILE-regions.png (needs gnuplot: "
                     "apt-get install gnuplot-nox)")
          ->type_name("FILE.png");
      app.add_flag("--json", a->json,
                   "Print one JSON object at the end instead of text (train_accuracy, "
                   "test_accuracy, final_loss, epochs, seconds_per_epoch, ...); progress goes to "
                   "stderr if it is a terminal");
      app.footer(
          "Progress: a live line on a terminal; one line per epoch otherwise (with more than "
          "100 epochs, at most 20 lines: every 10th, 100th, ... epoch).\n"
          "Fashion-MNIST is read from /usr/share/datasets/fashion-mnist (Debian: "
          "dataset-fashion-mnist) or from $GRADFLOW_FASHION_MNIST_DIR.\n"
          "Exit status: 0 ok, 1 a file could not be written or gnuplot is missing, 2 bad input "
          "(options, a missing, corrupt or empty data set, a --load file that is missing, "
          "corrupt, of another model or not finite, two outputs naming one file), 3 the loss "
          "stopped being finite (the run ends at that epoch) or a trained parameter is not "
          "finite (nothing is saved or plotted).");
      return [a] { return run_train(*a); };
    }};

}  // namespace

}  // namespace gradflow::cli::train_command
