// One tape per thread: threads record and differentiate their own graphs concurrently, and a
// Var of another thread's graph is an Error in the thread that uses it.

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace gradflow {
namespace {

struct Gradient {
  double value;
  double dx;
  double dy;
  bool operator==(const Gradient&) const = default;
};

// The staged example of the notes on this thread's graph.
Gradient staged_example(double x0, double y0) {
  new_graph();
  Var x = x0, y = y0;
  Var f = (x + sigmoid(y)) / (sigmoid(x) + pow(x + y, 2));
  f.backward();
  return {f.value(), x.grad(), y.grad()};
}

TEST(Threads, EachThreadHasItsOwnTape) {
  Tape* main_tape = &Tape::current();
  Tape* other_tape = nullptr;
  std::thread t([&] { other_tape = &Tape::current(); });
  t.join();
  EXPECT_NE(other_tape, nullptr);
  EXPECT_NE(other_tape, main_tape);
}

TEST(Threads, ConcurrentGraphsGiveTheSameResultsAsOneThread) {
  constexpr int kThreads = 4;
  constexpr int kIterations = 2000;
  std::vector<Gradient> expected;
  for (int t = 0; t < kThreads; ++t) expected.push_back(staged_example(3.0 + t, -4.0 - t));
  new_graph();

  std::atomic<int> mismatches{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        for (int i = 0; i < kIterations; ++i) {
          if (!(staged_example(3.0 + t, -4.0 - t) == expected[t])) ++mismatches;
        }
        // a longer graph too, to make the threads' tapes grow while the others run
        Var x = 1.0 + t;
        Var y = x;
        for (int i = 0; i < 100'000; ++i) y = y + x;
        y.backward();
        if (x.grad() != 100'001.0) ++mismatches;
      } catch (...) {
        ++errors;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(errors.load(), 0);
}

TEST(Threads, ManyShortLivedThreadsEachGetAFreshTape) {
  // Each thread's tape is freed when the thread ends (LeakSanitizer checks it in the sanitized
  // build); a later thread starts from an empty tape of its own.
  std::atomic<int> wrong{0};
  for (int round = 0; round < 50; ++round) {
    std::thread t([&] {
      if (Tape::current().size() != 1) ++wrong;  // only the sink
      Var x = 3.0;
      Var f = x * x;
      f.backward();
      if (x.grad() != 6.0) ++wrong;
    });
    t.join();
  }
  EXPECT_EQ(wrong.load(), 0);
}

TEST(Threads, AVarOfTheMainThreadThrowsInAnotherThread) {
  new_graph();
  Var x = 2.0;
  Var f = x * 3.0;
  std::string grad_message, op_message;
  bool backward_threw = false;
  double value_there = 0.0;
  std::thread t([&] {
    value_there = x.value();  // the number itself is fine to read
    try {
      (void)x.grad();
    } catch (const Error& e) {
      grad_message = e.what();
    }
    try {
      (void)(x * 2.0);
    } catch (const Error& e) {
      op_message = e.what();
    }
    try {
      f.backward();
    } catch (const Error&) {
      backward_threw = true;
    }
  });
  t.join();
  EXPECT_EQ(value_there, 2.0);
  EXPECT_NE(grad_message.find("grad()"), std::string::npos) << grad_message;
  EXPECT_NE(grad_message.find("another thread"), std::string::npos) << grad_message;
  EXPECT_NE(op_message.find("scale"), std::string::npos) << op_message;
  EXPECT_TRUE(backward_threw);
  // the main thread's graph is unaffected
  f.backward();
  EXPECT_EQ(x.grad(), 3.0);
  new_graph();
}

TEST(Threads, AVarOfAnotherThreadThrowsInTheMainThread) {
  new_graph();
  Var mine = 1.0;  // the main graph has a slot 1 too
  Var theirs;
  std::thread t([&] { theirs = Var(5.0) * 2.0; });
  t.join();
  EXPECT_EQ(theirs.value(), 10.0);
  EXPECT_THROW((void)theirs.grad(), Error);
  EXPECT_THROW((void)(theirs + mine), Error);
  EXPECT_THROW(theirs.backward(), Error);
  new_graph();
}

TEST(Threads, NoGradGuardInOneThreadDoesNotAffectAnother) {
  new_graph();
  NoGradGuard no_grad;
  bool recorded_there = false;
  std::thread t([&] {
    Var x = 1.0;
    recorded_there = !x.is_constant();
  });
  t.join();
  EXPECT_TRUE(recorded_there);
  EXPECT_TRUE(Var(1.0).is_constant());
}

}  // namespace
}  // namespace gradflow
