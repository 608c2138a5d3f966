"""The words, titles, code and formulas ``bench/load.py`` writes its questions,
answers and comments with."""

from questions.models import SourceKind

# Per topic: words that make its questions findable (a search for a few of
# them matches roughly that topic's share of the questions, not everything).
TOPIC_WORDS = {
    "Statistics": "probability distribution variance hypothesis p-value bayesian prior posterior "
    "likelihood estimator confidence interval sampling bootstrap",
    "Regularisation": "overfitting dropout regularization weight decay l1 l2 early stopping "
    "validation generalization underfitting capacity",
    "Optimisation": "gradient descent learning rate momentum adam convergence saddle minima "
    "batch size schedule warmup curvature",
    "Deep learning": "neural network layer activation relu sigmoid backpropagation vanishing "
    "initialization normalization residual skip",
    "NLP": "tokenization embedding transformer attention language perplexity vocabulary "
    "sequence word2vec bert decoder encoder",
    "Computer vision": "convolution pooling image augmentation kernel stride feature map "
    "detection segmentation resnet pixel",
    "Evaluation": "precision recall f1 auc roc accuracy confusion matrix threshold "
    "calibration metric baseline",
    "ML systems": "latency throughput serving feature store pipeline monitoring drift "
    "streaming inference deployment cache",
    "Recommender systems": "collaborative filtering matrix factorization ranking retrieval "
    "cold start implicit feedback candidate click",
    "Trees and ensembles": "decision tree forest boosting xgboost split entropy gini bagging "
    "ensemble leaf depth",
    "Unsupervised learning": "k-means clustering pca dimensionality reduction eigenvector "
    "autoencoder density anomaly manifold centroid",
    "Reinforcement learning": "reward policy agent q-learning exploration environment value "
    "function bandit episode discount",
}
GENERAL_WORDS = (
    "the model data training test set feature example when which because however this that "
    "we can use it is are usually often each more less large small better worse loss error "
    "result problem approach method answer question in of to for with on by from as an a "
    "not only also both simple common important good bad high low new between than"
)
TOPICS: dict[str, list[str]] = {name: words.split() for name, words in TOPIC_WORDS.items()}
GENERAL = GENERAL_WORDS.split()
SOURCES = [
    ("Machine Learning Interviews", "https://huyenchip.com/ml-interviews-book/", SourceKind.BOOK),
    ("InterviewBit", "https://www.interviewbit.com/machine-learning-interview-questions/",
     SourceKind.WEBSITE),
    ("Community", "", SourceKind.COMMUNITY),
]  # fmt: skip
TITLES = [
    "What is the difference between {a} and {b}?",
    "How does {a} affect {b} in practice?",
    "Why would you use {a} instead of {b}?",
    "Explain {a} to a new engineer, and when {b} matters.",
    "How do you choose {a} when {b} is a concern?",
    "What goes wrong with {a} if you ignore {b}?",
]
CODE = [
    "```python\nimport numpy as np\n\ndef {a}(x, eps=1e-5):\n"
    "    mean = x.mean(axis=0)\n    return (x - mean) / np.sqrt(x.var(axis=0) + eps)\n```",
    "```python\nfor epoch in range(epochs):\n    loss = criterion(model(batch), target)  # {a}\n"
    "    loss.backward()\n    optimizer.step()\n```",
    "```sql\nSELECT user_id, count(*) AS {a}\nFROM events\nGROUP BY user_id;\n```",
]
MATH = [
    "The {a} term is $\\lambda \\sum_i w_i^2$, added to the loss.",
    "$$\n\\hat{{y}} = \\sigma(w^\\top x + b)\n$$",
    "With $n$ samples the variance of the mean is $\\sigma^2 / n$, so {a} helps.",
]
