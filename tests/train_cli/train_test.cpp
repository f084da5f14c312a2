// `gradflow train` end to end: the built executable, its JSON, its progress lines, its files.

#include "train_cli/helpers.hpp"

#include <gradflow/data/safetensors.hpp>

#include <gtest/gtest.h>

#include <sstream>
#include <utility>

namespace {

using namespace gradflow::test;

TEST(Train, SpiralJsonIsOneObjectWithTheResults) {
  const ProgramResult r = run_gradflow(short_spiral({"--json"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");  // not a terminal: no progress at all
  const nlohmann::json j = json_of(r);
  EXPECT_EQ(j["data"], "spiral");
  EXPECT_EQ(j["model"], "mlp");
  EXPECT_EQ(j["epochs"], 300);
  EXPECT_TRUE(j["test_accuracy"].is_null());
  EXPECT_TRUE(j["test_accuracy_per_epoch"].is_null());
  EXPECT_TRUE(j["best_test_accuracy"].is_null());
  EXPECT_TRUE(j["best_epoch"].is_null());
  EXPECT_GT(j["train_accuracy"].get<double>(), 0.45);  // chance is 1/3
  EXPECT_LE(j["train_accuracy"].get<double>(), 1.0);
  EXPECT_LT(j["final_loss"].get<double>(), 1.0);  // it starts at ln 3 = 1.0986
  EXPECT_GT(j["seconds_per_epoch"].get<double>(), 0.0);
  EXPECT_EQ(j["train_samples"], 300);
}

TEST(Train, SpiralDefaultsAreTheCaseStudy) {
  // `--model mlp` alone: full batch, SGD, lr 1.0, L2 1e-3, 10,000 steps; the case study reports
  // a training accuracy of 0.98.
  const ProgramResult r = run_gradflow({"train", "--data", "spiral", "--model", "mlp", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = json_of(r);
  EXPECT_EQ(j["epochs"], 10000);
  EXPECT_TRUE(j["batch_size"].is_null());  // full batch
  EXPECT_EQ(j["optimizer"], "sgd");
  EXPECT_EQ(j["lr"].get<double>(), 1.0);
  EXPECT_EQ(j["weight_decay"].get<double>(), 1e-3);
  EXPECT_GE(j["train_accuracy"].get<double>(), 0.98);
}

TEST(Train, FlagsOverrideTheDefaults) {
  const ProgramResult r = run_gradflow(
      {"train",   "--data", "spiral",      "--model",   "softmax", "--epochs", "3",
       "--batch", "32",     "--optimizer", "adam",      "--lr",    "0.01",     "--weight-decay",
       "0",       "--seed", "7",           "--threads", "1",       "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = json_of(r);
  EXPECT_EQ(j["model"], "softmax");
  EXPECT_EQ(j["epochs"], 3);
  EXPECT_EQ(j["batch_size"], 32);
  EXPECT_EQ(j["optimizer"], "adam");
  EXPECT_EQ(j["lr"].get<double>(), 0.01);
  EXPECT_EQ(j["weight_decay"].get<double>(), 0.0);
  EXPECT_EQ(j["seed"], 7);
  EXPECT_EQ(j["threads"], 1);
}

TEST(Train, SameSeedSameRunOtherSeedOtherRun) {
  const auto loss = [](const std::string& seed) {
    const ProgramResult r = run_gradflow({"train", "--data", "spiral", "--model", "svm", "--epochs",
                                          "5", "--batch", "50", "--seed", seed, "--json"});
    EXPECT_EQ(r.status, 0) << r.err;
    return json_of(r)["final_loss"].get<double>();
  };
  EXPECT_EQ(loss("3"), loss("3"));
  EXPECT_NE(loss("3"), loss("4"));
}

TEST(Train, LoadResumesBitForBit) {
  // Full-batch SGD keeps no state between steps: 300 steps, save, load, 300 more is the same
  // computation as 600 steps, so the two saved files hold the same bytes.
  const TempDir dir;
  const std::string first = dir / "first.safetensors", resumed = dir / "resumed.safetensors",
                    straight = dir / "straight.safetensors";
  ASSERT_EQ(run_gradflow(short_spiral({"--save", first})).status, 0);
  const ProgramResult r = run_gradflow(short_spiral({"--load", first, "--save", resumed, "--json"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json_of(r)["initial_parameters"], first);
  ASSERT_EQ(run_gradflow({"train", "--data", "spiral", "--model", "mlp", "--epochs", "600",
                          "--save", straight})
                .status,
            0);
  EXPECT_EQ(slurp(resumed), slurp(straight));
}

TEST(Train, LoadNamesTheFileInText) {
  const TempDir dir;
  const std::string model = dir / "m.safetensors";
  ASSERT_EQ(run_gradflow(short_spiral({"--save", model})).status, 0);
  const ProgramResult r = run_gradflow(short_spiral({"--load", model}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("started from the parameters in " + model + "\n"), std::string::npos)
      << r.out;
  EXPECT_TRUE(json_of(run_gradflow(short_spiral({"--json"})))["initial_parameters"].is_null());
}

TEST(Train, LoadTakesAStateDictWithoutMetadata) {
  // What a PyTorch user writes with safetensors: the tensors alone, named as the state_dict.
  const TempDir dir;
  const std::string saved = dir / "saved.safetensors", bare = dir / "bare.safetensors";
  ASSERT_EQ(run_gradflow(short_spiral({"--save", saved})).status, 0);
  gradflow::data::save_safetensors(bare, gradflow::data::load_safetensors(saved).tensors);
  const auto final_loss = [](const std::string& file) {
    const ProgramResult r = run_gradflow(short_spiral({"--load", file, "--json"}));
    EXPECT_EQ(r.status, 0) << r.err;
    return json_of(r)["final_loss"].get<double>();
  };
  EXPECT_EQ(final_loss(bare), final_loss(saved));
}

TEST(Train, LoadFaultsExitTwoWithOneLine) {
  const TempDir dir;
  const std::string softmax = dir / "softmax.safetensors", wide = dir / "f64.safetensors",
                    junk = dir / "junk.safetensors";
  ASSERT_EQ(run_gradflow({"train", "--data", "spiral", "--model", "softmax", "--epochs", "1",
                          "--save", softmax})
                .status,
            0);
  // The same tensors in float64.
  gradflow::data::NamedArrays tensors = gradflow::data::load_safetensors(softmax).tensors;
  for (auto& [name, array] : tensors) {
    const std::vector<float>& v = array.get<float>();
    array = gradflow::data::Array(array.shape, std::vector<double>(v.begin(), v.end()));
  }
  gradflow::data::save_safetensors(wide, tensors);
  write_bytes(junk, "not a safetensors file");

  const auto expect_fault = [](const std::vector<std::string>& args, const std::string& fragment) {
    const ProgramResult r = run_gradflow(args);
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("gradflow train: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
  };
  const std::vector<std::string> svm = {"train", "--data", "spiral", "--model", "svm",
                                        "--epochs", "1", "--load"};
  const auto with = [&](const std::string& file) {
    std::vector<std::string> args = svm;
    args.push_back(file);
    return args;
  };
  // softmax and svm have the same tensors; the metadata tells them apart.
  expect_fault(with(softmax), softmax + " holds the softmax model; --model is svm");
  expect_fault(with(wide), "F64");
  expect_fault(with(junk), junk);
}

TEST(Train, LoadRefusesOutputsOverTheLoadedFile) {
  const TempDir dir;
  const std::string model = dir / "m.safetensors";
  ASSERT_EQ(run_gradflow(short_spiral({"--save", model})).status, 0);
  const std::string bytes = slurp(model);
  for (const std::string option : {"--metrics", "--plot"}) {
    const std::string out = option == "--plot" ? dir / "m.png" : model;
    const std::string loaded = option == "--plot" ? dir / "m-regions.png" : model;
    if (option == "--plot") write_bytes(loaded, bytes);
    const ProgramResult r = run_gradflow(short_spiral({"--load", loaded, option, out}));
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find("is the --load file"), std::string::npos) << r.err;
    EXPECT_EQ(slurp(loaded), bytes) << option;
  }
  // --save over it replaces the file whole, after training read it.
  EXPECT_EQ(run_gradflow(short_spiral({"--load", model, "--save", model})).status, 0);
}

TEST(Train, LoadOfAnotherArchitectureNamesTheParameter) {
  // A state_dict without gradflow's metadata (as PyTorch writes one): only the tensors tell.
  const TempDir dir;
  const std::string saved = dir / "saved.safetensors", model = dir / "softmax.safetensors";
  ASSERT_EQ(run_gradflow({"train", "--data", "spiral", "--model", "softmax", "--epochs", "1",
                          "--save", saved})
                .status,
            0);
  gradflow::data::save_safetensors(model, gradflow::data::load_safetensors(saved).tensors);
  const ProgramResult r = run_gradflow(short_spiral({"--load", model}));
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("gradflow train: " + model + ": ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("tensor '1.weight' has shape"), std::string::npos) << r.err;
}

TEST(Train, LoadOfAnotherArchitectureNamesItsModelBeforeAnyTensor) {
  // The file's metadata names its model, which says more than the first tensor that differs.
  const TempDir dir;
  const std::string mlp = dir / "mlp.safetensors";
  ASSERT_EQ(run_gradflow({"train", "--data", "spiral", "--model", "mlp", "--epochs", "1",
                          "--save", mlp})
                .status,
            0);
  for (const std::string model : {"softmax", "svm"}) {
    const ProgramResult r = run_gradflow(
        {"train", "--data", "spiral", "--model", model, "--epochs", "1", "--load", mlp});
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "gradflow train: " + mlp + " holds the mlp model; --model is " + model + "\n");
  }
}

TEST(Train, PlainLinesWhenNotATerminal) {
  const ProgramResult r =
      run_gradflow({"train", "--data", "spiral", "--model", "mlp", "--epochs", "5"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out.find('\r'), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
  for (int e = 1; e <= 5; ++e) {
    EXPECT_NE(r.out.find("epoch " + std::to_string(e) + "/5  loss "), std::string::npos) << r.out;
  }
  EXPECT_NE(r.out.find("mlp on spiral (sgd lr 1, full batch, weight decay 0.001): 5 epochs"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("train accuracy "), std::string::npos) << r.out;
  EXPECT_EQ(count_lines(r.out), 7u) << r.out;  // 5 epochs, the summary's 2 lines
}

TEST(Train, ManyEpochsPrintEveryHundredth) {
  const ProgramResult r = run_gradflow(short_spiral());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("epoch   1/300"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("epoch 100/300"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("epoch 300/300"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("epoch   2/300"), std::string::npos) << r.out;
  EXPECT_EQ(count_lines(r.out), 4u + 2u) << r.out;  // 1, 100, 200, 300; the summary
}

TEST(Train, MetricsCsvHasARowPerEpoch) {
  TempDir dir;
  const std::string csv = dir / "metrics.csv";
  const ProgramResult r = run_gradflow({"train", "--data", "spiral", "--model", "mlp", "--epochs",
                                        "20", "--metrics", csv, "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream in(slurp(csv));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line,
            "epoch,loss,train_accuracy,test_loss,test_accuracy,lr,seconds,samples_per_second");
  std::vector<double> losses;
  int epoch = 0;
  while (std::getline(in, line)) {
    ++epoch;
    std::vector<std::string> fields;
    std::istringstream row(line);
    for (std::string f; std::getline(row, f, ',');) fields.push_back(f);
    fields.resize(8);
    EXPECT_EQ(fields[0], std::to_string(epoch)) << line;
    EXPECT_EQ(fields[3], "") << "spiral has no test set: " << line;
    EXPECT_EQ(fields[4], "") << line;
    EXPECT_EQ(std::stod(fields[5]), 1.0) << line;
    losses.push_back(std::stod(fields[1]));
  }
  ASSERT_EQ(epoch, 20);
  EXPECT_LT(losses.back(), losses.front());
  EXPECT_NEAR(json_of(r)["final_loss"].get<double>(), losses.back(), 1e-7);  // CSV: 9 digits
  EXPECT_EQ(json_of(r)["files"], nlohmann::json::array({csv}));
}

TEST(Train, PlotDrawsCurvesAndDecisionRegions) {
  if (!gnuplot_installed())
    GTEST_SKIP() << "gnuplot is not installed (apt-get install gnuplot-nox)";
  TempDir dir;
  const std::string png = dir / "spiral.png";
  const ProgramResult r = run_gradflow(short_spiral({"--plot", png, "--json"}));
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string regions = dir / "spiral-regions.png";
  EXPECT_EQ(json_of(r)["files"], nlohmann::json::array({png, regions}));
  for (const std::string& file : {png, regions}) {
    const std::string bytes = slurp(file);
    ASSERT_GT(bytes.size(), 1000u) << file;
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << file;
  }
}

TEST(Train, PlotWithoutGnuplotFailsBeforeTraining) {
  // No gnuplot on PATH and none named: the message says how to install it.
  TempDir dir;
  const ProgramResult r =
      run_gradflow({"train", "--data", "spiral", "--model", "mlp", "--plot", dir / "p.png"},
                   {"PATH=" + dir.path().string(), "GRADFLOW_GNUPLOT="});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("gnuplot is not installed (apt-get install gnuplot-nox)"),
            std::string::npos)
      << r.err;
}

TEST(Train, PlotWithAGnuplotNamedByTheVariableThatCannotRunNamesTheVariable) {
  TempDir dir;
  for (const std::string program : {"/nonexistent/gnuplot", "/"}) {
    const ProgramResult r =
        run_gradflow({"train", "--data", "spiral", "--model", "mlp", "--plot", dir / "p.png"},
                     {"GRADFLOW_GNUPLOT=" + program});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "gradflow train: '" + program +
                         "' (named by GRADFLOW_GNUPLOT) was not found or could not be run: unset "
                         "GRADFLOW_GNUPLOT to use `gnuplot` from PATH, or point it at the gnuplot "
                         "program\n");
  }
}

// A gnuplot that ends without a message is named by how it ended, where "gnuplot failed" said
// neither that it crashed nor how.
TEST(Train, PlotWithAGnuplotThatEndsSilentlySaysHow) {
  TempDir dir;
  const std::pair<std::string, std::string> cases[] = {
      {"kill -9 $$", "gnuplot was killed by signal 9 (Killed)"},
      {"exit 4", "gnuplot exited with status 4"}};
  for (const auto& [body, said] : cases) {
    const std::filesystem::path program = dir / "gnuplot.sh";
    write_bytes(program, "#!/bin/sh\n" + body + "\n");
    std::filesystem::permissions(program, std::filesystem::perms::owner_all);
    const ProgramResult r = run_gradflow(
        {"train", "--data", "spiral", "--model", "softmax", "--epochs", "1", "--plot",
         dir / "p.png"},
        {"GRADFLOW_GNUPLOT=" + program.string()});
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_EQ(r.err, "gradflow: " + said + "\n");
  }
}

}  // namespace
