// Bad command lines for `gradflow train`: exit status 2, one line on stderr, nothing on stdout,
// and no training (each case returns at once).

#include "train_cli/helpers.hpp"

#include <gtest/gtest.h>

namespace {

using namespace gradflow::test;

struct BadCase {
  std::vector<std::string> args;  // after "train --data spiral --model mlp" (or instead of
                                  // those, when it starts with --data or --model)
  std::string message;            // a fragment of the one line on stderr
};

class TrainBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(TrainBadInput, ExitsTwoWithOneLine) {
  std::vector<std::string> args = {"train"};
  const std::vector<std::string>& more = GetParam().args;
  const bool replaces = !more.empty() && (more[0] == "--data" || more[0] == "--model");
  if (!replaces) args.insert(args.end(), {"--data", "spiral", "--model", "mlp"});
  args.insert(args.end(), more.begin(), more.end());
  const ProgramResult r = run_gradflow(args);
  expect_one_message(r, 2, "gradflow train", GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Options, TrainBadInput,
    ::testing::Values(
        BadCase{{"--data", "mnist", "--model", "mlp"},
                "unknown data set \"mnist\"; choose spiral or fashion-mnist"},
        BadCase{{"--data", "spiral", "--model", "resnet"},
                "unknown model \"resnet\"; choose softmax, svm, mlp or cnn"},
        BadCase{{"--data", "spiral"}, "--model is required"},
        BadCase{{"--model", "mlp"}, "--data is required"},
        BadCase{{"--data", "spiral", "--model", "cnn"}, "the cnn model takes 28x28 images"},
        BadCase{{"--epochs", "0"}, "--epochs 0: must be at least 1"},
        BadCase{{"--epochs", "-3"}, "--epochs -3: must be at least 1"},
        BadCase{{"--epochs", "ten"}, "--epochs ten: not a whole number"},
        BadCase{{"--epochs", "2.5"}, "--epochs 2.5: not a whole number"},
        BadCase{{"--epochs", "99999999999999999999"},
                "--epochs 99999999999999999999: must be from 1 to"},
        BadCase{{"--batch", "0"}, "--batch 0: must be at least 1"},
        BadCase{{"--lr", "-1"}, "--lr -1: must be greater than 0"},
        BadCase{{"--lr", "0"}, "--lr 0: must be greater than 0"},
        BadCase{{"--lr", "nan"}, "--lr nan: not a finite number"},
        BadCase{{"--lr", "1e999"}, "--lr 1e999: beyond the range of a double"},
        BadCase{{"--lr", "1e-999"}, "--lr 1e-999: too close to 0 for a double"},
        BadCase{{"--lr", "fast"}, "--lr fast: not a number"},
        BadCase{{"--weight-decay", "-0.1"}, "--weight-decay -0.1: must be 0 or greater"},
        BadCase{{"--optimizer", "rmsprop"}, "unknown optimizer \"rmsprop\"; choose sgd or adam"},
        BadCase{{"--seed", "-1"}, "--seed -1: must be at least 0"},
        BadCase{{"--threads", "0"}, "--threads 0: must be at least 1"},
        BadCase{{"--save", "/nonexistent-dir/m.safetensors"},
                "the directory /nonexistent-dir does not exist"},
        BadCase{{"--metrics", "/nonexistent-dir/m.csv"},
                "the directory /nonexistent-dir does not exist"},
        BadCase{{"--plot", "/nonexistent-dir/p.png"},
                "the directory /nonexistent-dir does not exist"},
        BadCase{{"--plot", "curves.jpg"}, "--plot curves.jpg: the file name must end in .png"},
        BadCase{{"--save", "/tmp"}, "--save /tmp: is a directory"},
        BadCase{{"--load", "/nonexistent-dir/m.safetensors"},
                "--load /nonexistent-dir/m.safetensors: no such file"},
        BadCase{{"--load", "/tmp"}, "--load /tmp: is a directory"},
        BadCase{{"--load", ""}, "--load: an empty value; expected FILE"},
        BadCase{{"--epochs", ""}, "--epochs: an empty value; expected N"},
        BadCase{{"--data", "", "--model", "mlp"},
                "--data: an empty value; expected spiral|fashion-mnist"},
        BadCase{{"--save", "/dev/null"}, "--save /dev/null: exists and is not a regular file"},
        BadCase{{"--load", "/dev/null"}, "--load /dev/null: not a regular file"}));

}  // namespace
